"""Sharing spend and plans between a user's devices through a folder they already sync.

No server of ours: each device appends its changes, as events, to journal files of its own in
a folder that Syncthing, Dropbox, OneDrive, iCloud Drive or Nextcloud keeps in step, and reads
the journals the other devices wrote there.

- ``clock``: hybrid logical clock stamps, so an edit made after seeing another is ordered
  after it whatever the devices' wall clocks say.
- ``journal``: the journal files: one writer per file, records that carry their own checksum,
  half-synced tails and conflict copies.
- ``merge``: what a set of events means, the same whatever order they arrive in.
"""
