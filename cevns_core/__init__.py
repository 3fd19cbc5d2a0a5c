"""cevns_core: coherent elastic neutrino-nucleus scattering physics."""
