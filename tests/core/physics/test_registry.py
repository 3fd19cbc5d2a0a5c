"""The registry of effects: groups cover every parameter (and more in this file)."""

import param

from cevns_core.physics import (
    NEW_PHYSICS_GROUPS,
    NewPhysics,
)
from cevns_core.weak_charges import StandardModel


def test_groups_cover_every_new_parameter_once():
    own = set(NewPhysics.param) - set(StandardModel.param)
    listed = [name for names in NEW_PHYSICS_GROUPS.values() for name in names]
    assert len(listed) == len(set(listed))
    assert set(listed) == own
    for name in listed:  # every parameter documented, numbers bounded
        p = NewPhysics.param[name]
        assert p.doc
        if isinstance(p, param.Number):
            assert p.bounds is not None
