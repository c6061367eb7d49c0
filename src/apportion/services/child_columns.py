"""The labelled child columns the chargeback digest still reads by label; they live in
store.queries.labelled_children, and this module names them where the digest imports them until it reads typed
values (store.queries.children) like every other query."""

from __future__ import annotations

from apportion.store.queries.labelled_children import join_meter_child as join_meter_child
from apportion.store.queries.labelled_children import join_unit_child as join_unit_child
from apportion.store.queries.labelled_children import join_workflow_step_child as join_workflow_step_child
