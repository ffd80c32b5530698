from django.db import models


class ContentVersion(models.Model):
    """One row whose ``value`` every write to a table readers see moves (``triggers``).

    The database moves it, in the writing statement's own transaction, so nothing that
    writes can forget: not the admin, a service, ``bulk_create()``, ``update()``, raw
    SQL or another program sharing the database.
    """

    SINGLETON_PK = 1

    value = models.BigIntegerField()

    class Meta:
        verbose_name = "content version"

    def __str__(self):
        return str(self.value)
