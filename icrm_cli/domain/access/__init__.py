"""Who is acting (identity) and what they may do (policy): the contract's "Identity and permissions"."""
