"""What the comments app tells the apps it must not know (it imports none of them).

Both are sent by ``comments.services`` once the transaction that made the change has
committed, so a receiver never sees a comment that may still roll back:

- ``comment_submitted``: a reader's comment was saved, in any status. Arguments:
  ``comment``, and ``notify_replies``, whether its writer ticked "Email me replies to my
  comment".
- ``comment_published``: comments became visible to readers, at once or when the
  author approved them (one by one, in bulk, by replying, or by editing the status).
  Argument: ``comments``, a list of approved comments.
"""

from django.dispatch import Signal

comment_submitted = Signal()
comment_published = Signal()
