"""Named materials, their aliases, and :func:`material`: a Material from a name or any formula.

A dopant in square brackets (``"CsI[Na]"``, ``"NaI[Tl]"``) is checked, recorded in
:attr:`Material.dopant` and otherwise ignored: at typical ~0.1 % levels it does not matter for
scattering. The round-bracket spellings ``"CsI(Na)"``, ``"CsI(Tl)"``, ``"NaI(Tl)"`` are accepted as
names; any other ``(...)`` is a chemical group.
"""

from __future__ import annotations

import re
from functools import cache

from ..errors import CevnsError
from ..nuclei import isotope
from .formula import parse_formula
from .material import Material, _natural_material

__all__ = ["material", "material_names", "target_material"]

#: Named materials; each name is its own formula.
_REGISTRY: tuple[str, ...] = (
    "CsI",
    "NaI",
    "Ge",
    "Si",
    "Ar",
    "Xe",
    "CaWO4",
    "Al2O3",
    "Li2WO4",
    "Zn",
    "Pb",
    "Fe",
    "C",
    "H2O",
    "D2O",
)

#: Word aliases, matched case-insensitively (spaces and hyphens read as underscores).
_WORD_ALIASES: dict[str, str] = {
    "argon": "Ar",
    "lar": "Ar",
    "liquid_argon": "Ar",
    "xenon": "Xe",
    "lxe": "Xe",
    "liquid_xenon": "Xe",
    "germanium": "Ge",
    "silicon": "Si",
    "zinc": "Zn",
    "lead": "Pb",
    "iron": "Fe",
    "carbon": "C",
    "water": "H2O",
    "heavy_water": "D2O",
    "cesium_iodide": "CsI",
    "caesium_iodide": "CsI",
    "sodium_iodide": "NaI",
    "calcium_tungstate": "CaWO4",
    "lithium_tungstate": "Li2WO4",
    "sapphire": "Al2O3",
}

#: Conventional scintillator spellings with the dopant in round brackets (exact case).
_DOPANT_ALIASES: dict[str, str] = {
    "CsI(Na)": "CsI[Na]",
    "CsI(Tl)": "CsI[Tl]",
    "NaI(Tl)": "NaI[Tl]",
}


def material(name_or_formula: str | Material) -> Material:
    """A target material from a registry name, an alias or any chemical formula.

    Parameters
    ----------
    name_or_formula : str or Material
        A registry name (:func:`material_names`), a word alias (``"argon"``, ``"water"``,
        ``"heavy_water"``, case-insensitive), or a formula: element symbols with optional integer
        or decimal counts and parenthesised groups with multipliers (``"Ca(OH)2"``), ``D`` for
        deuterium, optionally followed by a bracketed dopant (``"NaI[Tl]"``, ignored for
        scattering). A :class:`Material` is returned unchanged.

    Returns
    -------
    Material
        Natural isotopic composition; N_t,i = 1000 g N_A / M_mol × ν_el a_i per kg (PHYSICS.md
        §6.2).

    Raises
    ------
    CevnsError
        For a non-string input, an empty or malformed formula, an unknown element, a zero count
        or an element without naturally occurring isotopes.

    Examples
    --------
    >>> csi = material("CsI")
    >>> f"{csi.nuclei_per_kg('Cs133') * 14.57:.4e}"
    '3.3772e+25'
    >>> round(material("D2O").molar_mass_g_per_mol, 2)
    20.03
    """
    if isinstance(name_or_formula, Material):
        return name_or_formula
    if not isinstance(name_or_formula, str):
        raise CevnsError(
            "material must be a name or chemical formula string (e.g. 'CsI') or a Material, "
            f"got {name_or_formula!r} of type {type(name_or_formula).__name__}"
        )
    text = name_or_formula.strip()
    if not text:
        raise CevnsError(
            "material formula is empty; write a chemical formula such as 'CsI' or 'CaWO4', "
            f"or one of: {', '.join(_REGISTRY)}"
        )
    word = re.sub(r"[\s\-]+", "_", text.lower())
    if text not in _REGISTRY and word in _WORD_ALIASES:
        text = _WORD_ALIASES[word]
    text = _DOPANT_ALIASES.get(text, text)
    return _material_from_formula(text)


def material_names(*, include_aliases: bool = False) -> list[str]:
    """Names of the registry materials (each equal to its formula), optionally with aliases.

    Examples
    --------
    >>> material_names()[:3]
    ['CsI', 'NaI', 'Ge']
    """
    names = list(_REGISTRY)
    if include_aliases:
        names += list(_WORD_ALIASES) + list(_DOPANT_ALIASES)
    return names


_DOPED = re.compile(r"^(?P<host>[^\[\]]*)\[(?P<dopant>[^\[\]]*)\]$")


@cache
def _material_from_formula(text: str) -> Material:
    host, dopant = text, None
    if "[" in text or "]" in text:
        match = _DOPED.match(text)
        if match is None:
            raise CevnsError(
                f"malformed formula {text!r}: a dopant must be one trailing bracket after the "
                "host formula, e.g. 'NaI[Tl]'"
            )
        host, dopant = match["host"].strip(), match["dopant"].strip()
        if not host:
            raise CevnsError(f"malformed formula {text!r}: no host formula before the dopant")
        if not dopant:
            raise CevnsError(f"malformed formula {text!r}: the dopant bracket is empty")
        parse_formula(dopant)  # validated, then ignored for scattering
    counts = parse_formula(host)
    return _natural_material(text, host, counts, dopant)


_ISOTOPE_NAME = re.compile(r"[A-Z][a-z]?\d+")


def target_material(name: str) -> Material:
    """A detector target from its name: one isotope (``"Xe136"``) or a material.

    A name of the form symbol + mass number that is a known isotope (``"Ge72"``, ``"C12"``) is a
    target of that isotope only (named after it); anything else goes to :func:`material`
    (registry name, alias or formula). A formula must name each element once: ``"CsCsCsCsCs"``
    or ``"CH3COOH"`` are refused (write ``"Cs5"``, ``"C2H4O2"``), since a repeated symbol in a
    target name is almost always a typo that would be read silently as another material.

    Raises
    ------
    CevnsError
        For a name that is neither a known isotope nor a valid material, or a formula that
        repeats an element.

    Examples
    --------
    >>> target_material("Xe136").isotopes
    ('Xe136',)
    >>> target_material("CsI[Na]").isotopes
    ('Cs133', 'I127')
    """
    if not isinstance(name, str):
        raise CevnsError(
            f"a target must be a material or isotope name such as 'CsI' or 'Xe136', got {name!r}"
        )
    text = name.strip()
    if _ISOTOPE_NAME.fullmatch(text):
        try:
            iso = isotope(text)
        except CevnsError:
            iso = None
        if iso is not None:
            return Material.from_isotopes({iso.name: 1.0}, by="atoms", name=text)
    found = material(text)
    symbols = re.findall(r"[A-Z][a-z]?", text.split("[", 1)[0])
    repeated = sorted({s for s in symbols if symbols.count(s) > 1})
    if repeated:
        raise CevnsError(
            f"target {text!r} names {', '.join(repeated)} more than once; write each element "
            "once with its count (e.g. 'Cs5', 'C2H4O2') or an isotope such as 'Cs133'"
        )
    return found
