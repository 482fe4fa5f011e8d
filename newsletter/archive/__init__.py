"""What the public archive shows of sent editions (the Atom feed)."""
