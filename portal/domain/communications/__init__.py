"""Member communications: registrant categories and mail topics as the secretariat keeps them."""
