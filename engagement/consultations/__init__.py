"""Consultations (domain). `web_links`: the signed personal link to answer on the web;
`web_mail`: the emails carrying it (invitation, reminder, sign-in link)."""
