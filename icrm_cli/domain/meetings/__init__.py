"""Cross-department meetings (例会): scheduling, agendas, minutes, reminders and invitations."""
