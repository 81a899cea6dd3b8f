"""`icrm inbox`: what needs the acting person now, in the contract's sections."""
