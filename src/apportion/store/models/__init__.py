"""Tables, one module per family; importing this package registers them all on `Base.metadata`."""

from apportion.store.models import accounting, bills, chargebacks, imports, organisation, reference, revision, users
from apportion.store.models.base import Base

__all__ = ["Base", "accounting", "bills", "chargebacks", "imports", "organisation", "reference", "revision", "users"]
