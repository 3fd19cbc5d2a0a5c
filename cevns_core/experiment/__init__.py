"""Experiments: a source, a detector, the nuclear choice and the physics, as one description.

* :mod:`~cevns_core.experiment.experiment` — :class:`Experiment` (spectra, observed counts,
  counts with the divergence rules, energy × time, threshold check, the ideal detector);
* :mod:`~cevns_core.experiment.counts` — :class:`Counts`, the result of a count;
* :mod:`~cevns_core.experiment.nuclear_choice` — the nuclear-choice keywords (``proton_radius``
  folded into ``form_factor_params``);
* :mod:`~cevns_core.experiment.spec` — the serialisable spec: :func:`to_spec`,
  :func:`from_spec`, :func:`to_python`, :func:`read_spec` (each piece to plain data and back:
  :mod:`~cevns_core.experiment.parts`);
* :mod:`~cevns_core.experiment.presets` — the presets of ``data/experiments/*.json``;
* :mod:`~cevns_core.experiment.band` — the uncertainty band (flux ⊕ form factor ⊕ quenching);
* :mod:`~cevns_core.experiment.electron_recoils` — the ν–e channel (electron recoils through the
  same response, next to CEvNS; ``Experiment(electron_recoils=True)``);
* :mod:`~cevns_core.experiment.directional` — directional recoil spectra d²N/dΩ_r dT.
"""

from .band import BAND_MODELS, UncertaintyBand, uncertainty_band
from .counts import Counts
from .directional import DirectionalSpectrum, directional_spectrum
from .electron_recoils import CHANNEL_LABELS, CHANNELS
from .experiment import Experiment
from .presets import (
    experiment,
    experiment_names,
    experiment_table,
    preset_data,
    preset_detector,
    preset_source,
)
from .spec import (
    MAX_SPEC_BYTES,
    SPEC_FORMAT,
    SPEC_VERSION,
    from_spec,
    read_spec,
    to_python,
    to_spec,
)

__all__ = [
    "BAND_MODELS",
    "CHANNELS",
    "CHANNEL_LABELS",
    "MAX_SPEC_BYTES",
    "SPEC_FORMAT",
    "SPEC_VERSION",
    "Counts",
    "DirectionalSpectrum",
    "Experiment",
    "UncertaintyBand",
    "directional_spectrum",
    "experiment",
    "experiment_names",
    "experiment_table",
    "from_spec",
    "preset_data",
    "preset_detector",
    "preset_source",
    "read_spec",
    "to_python",
    "to_spec",
    "uncertainty_band",
]
