"""Youth voice: young people send ideas, staff review them, approved ones are published.

`rules` holds the pure decisions (limits, who may submit, media checks), `service` the I/O.
"""
