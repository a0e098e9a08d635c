"""Norwegian and English labels of the columns and category values geokobling produces (for maps).

:func:`column_label` names a column, :func:`category_label` a value of a column the package
produces. Columns and values the tables do not know keep their own text: a user's column
``andel_eldre`` is titled "andel_eldre", an analysis area named "Sentrum" stays "Sentrum".

Examples
--------
>>> column_label("strukturkriteriet_km"), column_label("strukturkriteriet_km", "en")
('Strukturkriteriet (km)', 'Structural criterion (km)')
>>> column_label("grunnkrets_match"), category_label("grunnkrets_match", "nearest")
('Kobling til grunnkrets', 'nærmeste (utenfor)')
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import InputError

__all__ = ["LABELS", "LABELS_EN", "CATEGORY_LABELS", "CATEGORY_LABELS_EN", "column_label", "category_label"]

LANGUAGES = ("no", "en")

# column: (Norwegian, English)
_COLUMNS: dict[str, tuple[str, str]] = {
    # kriterier
    "strukturkriteriet_km": ("Strukturkriteriet (km)", "Structural criterion (km)"),
    "sonekriteriet_km": ("Sonekriteriet (km)", "Zone criterion (km)"),
    "nabokriteriet_km": ("Nabokriteriet (km)", "Neighbour criterion (km)"),
    "distance_km": ("Avstand til nærmeste tilbud (km)", "Distance to the nearest facility (km)"),
    "farthest_km": ("Avstand til siste senter som telles (km)", "Distance to the last centre counted (km)"),
    "fallback_people": ("Innbyggere talt i luftlinje", "People counted in a straight line"),
    "facility_by_fallback": (
        "Nærmeste tilbud nådd i luftlinje",
        "Nearest facility reached in a straight line",
    ),
    "snap_distance_m": ("Avstand fra senter til veg (m)", "Distance from centre to road (m)"),
    "reached": ("Nok innbyggere nådd", "Enough people reached"),
    "status": ("Status", "Status"),
    "basiskriterium": ("Gradert basiskriterium", "Graded base criterion"),
    "grenseverdi": ("Grenseverdi (km)", "Threshold (km)"),
    "loss": ("Tap (kr)", "Loss (NOK)"),
    "refund": ("Tilbakeføring (kr)", "Refund (NOK)"),
    "net": ("Nettovirkning (kr)", "Net effect (NOK)"),
    # units and areas
    "population": ("Folkemengde", "Population"),
    "analysis_area": ("Analyseområder", "Analysis areas"),
    "area": ("Analyseområder", "Analysis areas"),
    "n_units": ("Antall enheter", "Number of units"),
    "n_parts": ("Antall deler", "Number of parts"),
    "contiguous": ("Sammenhengende område", "Contiguous area"),
    "population_band": ("Folketall mot målet 5 000–10 000", "Population against the 5,000–10,000 target"),
    "counted_in": ("Telles i", "Counted in"),
    "counted_level": ("Telles på nivå", "Counted at level"),
    "fylke": ("Fylke", "County"),
    "kommune": ("Kommune", "Municipality"),
    "bydel": ("Bydel", "City district"),
    "delbydel": ("Delbydel", "Sub-district"),
    "delomrade": ("Delområde", "Statistical sub-area"),
    "grunnkrets": ("Grunnkrets", "Basic statistical unit"),
    "name": ("Navn", "Name"),
    "method": ("Metode for senterpunkt", "Centre method"),
    # zones and neighbourhoods
    "sone": ("Sone", "Zone"),
    "sone_centre": ("Sonesenter", "Zone centre"),
    "sone_population": ("Folkemengde i sonen", "Zone population"),
    "sone_status": ("Sonestatus", "Zone status"),
    "radius_km": ("Radius for nabolaget (km)", "Neighbourhood radius (km)"),
    "mean_distance_km": ("Gjennomsnittlig avstand (km)", "Mean distance (km)"),
    # indicators
    "accumulation": (
        "Opphopning (antall indikatorer i øverste kvartil)",
        "Accumulation (indicators in the top quartile)",
    ),
    "ses_index": ("SES-indeks (gjennomsnitt av fire andeler)", "SES index (mean of four shares)"),
    "immigrant_share": (
        "Andel innvandrere (utenfor Norden og Vest-Europa)",
        "Share of immigrants (outside the Nordics and Western Europe)",
    ),
    "non_western_share": (
        "Andel med ikke-vestlig innvandrerbakgrunn",
        "Share with non-Western immigrant background",
    ),
    "low_income_share": (
        "Andel husholdninger med lavinntekt (EU60)",
        "Share of low-income households (EU60)",
    ),
    "kommune_low_income_share": ("Kommunens andel med lavinntekt", "The municipality's low-income share"),
    "single_parent_share": ("Andel enslige forsørgere", "Share of single parents"),
    "low_education_share": ("Andel med kun grunnskole", "Share with basic education only"),
    "outside_work_education": ("Utenfor arbeid og utdanning", "Outside work and education"),
    "no_upper_secondary": ("Uten fullført videregående", "Without upper secondary education"),
    "low_education": ("Lav eller ingen utdanning", "Low or no education"),
    "convictions": ("Domfellelser", "Convictions"),
    "basic_education": ("Kun grunnskole", "Basic education only"),
    "low_income": ("Lavinntekt", "Low income"),
    "any": ("Minst ett kriterium", "At least one criterion"),
    "n_met": ("Antall kriterier oppfylt", "Criteria met"),
    "n_unknown": ("Antall ukjente kriterier", "Criteria unknown"),
    "utsatt": ("Utsatt område", "Vulnerable area"),
    "getto": ("Getto (dansk definisjon)", "Ghetto (Danish definition)"),
    # linking and registers
    "catchment_share": ("Andel av opptaksområdet", "Share of the catchment area"),
    "share": ("Andel", "Share"),
    "belongs": ("Hører til", "Belongs"),
    "overlap_m2": ("Overlapp (m²)", "Overlap (m²)"),
    "in_analysis_area": ("I et analyseområde", "In an analysis area"),
    "coord_status": ("Koordinatstatus", "Coordinate status"),
    "point_kommune": ("Kommune ved punktet", "Municipality at the point"),
    "kommune_mismatch": ("Feil kommune", "Wrong municipality"),
    "duplicate_orgnr": ("Gjentatt organisasjonsnummer", "Repeated organisation number"),
    "flags": ("Merknader", "Flags"),
    "problems": ("Problemer", "Problems"),
    "size": ("Antall elever eller barn", "Pupils or children"),
    "location_source": ("Posisjon fra", "Location from"),
}

# suffix: (Norwegian, English) with {} for the label of the column without the suffix
_SUFFIXES: dict[str, tuple[str, str]] = {
    "_relative_pct": (
        "{}: prosent over (+) eller under (−) referansen",
        "{}: percent above (+) or below (−) the reference",
    ),
    "_n_missing": ("Enheter uten verdi: {}", "Units without a value: {}"),
    "_distance_m": ("Avstand til {} (m)", "Distance to {} (m)"),
    "_match": ("Kobling til {}", "Link to {}"),
    "_reason": ("Årsak, kobling til {}", "Reason, link to {}"),
    "_linked": ("{} (koblet)", "{} (linked)"),
    "_top": ("{}: øverste kvartil", "{}: top quartile"),
    "_share": ("Andel {}", "Share {}"),
}

# value: (Norwegian, English); used for the columns of _CODED only
_VALUES: dict[str, tuple[str, str]] = {
    # status of strukturkriteriet, centres, snapping
    "ok": ("ok", "ok"),
    "not_reached": ("ikke nok innbyggere nådd", "not enough people reached"),
    "not_snapped": ("ikke koblet til veg (luftlinje)", "not snapped to a road (straight line)"),
    "no_centre": ("uten senterpunkt", "no centre"),
    "no_population": ("ingen innbyggere", "no inhabitants"),
    "snapped": ("koblet til veg", "snapped to a road"),
    "too_far": ("for langt fra veg", "too far from a road"),
    "no_geometry": ("uten geometri", "no geometry"),
    # match of link_units
    "inside": ("innenfor", "inside"),
    "border": ("på grensen", "on the border"),
    "nearest": ("nærmeste (utenfor)", "nearest (outside)"),
    "unmatched": ("ikke koblet", "not linked"),
    # population_band
    "below": ("under målet", "below the target"),
    "within": ("innenfor målet", "within the target"),
    "above": ("over målet", "above the target"),
    # coord_status
    "missing": ("mangler", "missing"),
    "zero": ("null (0, 0)", "zero (0, 0)"),
    "swapped": ("byttet om", "swapped"),
    "outside_norway": ("utenfor Norge", "outside Norway"),
    # sone_status
    "small_kommune": ("liten kommune", "small municipality"),
    "isolated": ("isolert", "isolated"),
    "not_contiguous": ("ikke sammenhengende", "not contiguous"),
    "crosses_kommuner": ("krysser kommunegrenser", "crosses municipal borders"),
    # method of population_centres
    "addresses": ("adresser", "addresses"),
    "raster": ("befolkningsraster", "population raster"),
    "grid_area": ("rutenett, fordelt etter areal", "grid, split by area"),
    "grid_centre": ("rutenett, rutesentre", "grid, cell centres"),
    "polygon": ("polygonets indre punkt", "polygon's interior point"),
    # location_source of geocode_addresses
    "coordinates": ("koordinater", "coordinates"),
    "address": ("adresse", "address"),
    "address_fuzzy": ("adresse (tilnærmet)", "address (approximate)"),
    "none": ("ingen", "none"),
    # counted_level
    "area": ("analyseområde", "analysis area"),
    "analysis_area": ("analyseområde", "analysis area"),
    # accumulation classes
    "2-3": ("2–3", "2–3"),
    # booleans
    "True": ("ja", "yes"),
    "False": ("nei", "no"),
}

_CODED = frozenset(
    {
        "status",
        "sone_status",
        "coord_status",
        "method",
        "location_source",
        "population_band",
        "counted_level",
        "accumulation",
    }
)
_CODED_SUFFIXES = ("_match", "_status")

LABELS: dict[str, str] = {column: names[0] for column, names in _COLUMNS.items()}
"""Norwegian labels (map titles, legend titles) of the columns geokobling produces."""
LABELS_EN: dict[str, str] = {column: names[1] for column, names in _COLUMNS.items()}
"""English labels of the same columns, for ``language="en"``."""
CATEGORY_LABELS: dict[str, str] = {value: names[0] for value, names in _VALUES.items()}
"""Norwegian labels of the coded values (``status``, ``*_match``, ``population_band`` …) and of booleans."""
CATEGORY_LABELS_EN: dict[str, str] = {value: names[1] for value, names in _VALUES.items()}
"""English labels of the same values."""


def check_language(language: str) -> int:
    """The position of ``language`` in the label pairs: 0 for Norwegian (``"no"``, ``"nb"``), 1 for ``"en"``."""
    if language in ("no", "nb", "nn"):
        return 0
    if language == "en":
        return 1
    raise InputError(f"language must be 'no' (Norwegian, the default) or 'en' (English), not {language!r}")


def column_label(column: str | None, language: str = "no") -> str:
    """The label of ``column``: from the tables, by suffix (``kommune_match`` …), else the column's own name.

    Examples
    --------
    >>> column_label("immigrant_share_relative_pct", "en")
    'Share of immigrants (outside the Nordics and Western Europe): percent above (+) or below (−) the reference'
    >>> column_label("andel_eldre")
    'andel_eldre'
    """
    which = check_language(language)
    if column is None:
        return ""
    if column in _COLUMNS:
        return _COLUMNS[column][which]
    for suffix, patterns in _SUFFIXES.items():
        stem = column[: -len(suffix)]
        if column.endswith(suffix) and stem:
            inner = _COLUMNS[stem][which] if stem in _COLUMNS else stem
            if patterns[which].startswith("{}"):
                return patterns[which].format(inner)
            return patterns[which].format(inner[:1].lower() + inner[1:] if stem in _COLUMNS else inner)
    return column


def is_coded(column: str | None) -> bool:
    """Whether the values of ``column`` are codes of the package (translated), not names (kept)."""
    if column is None:
        return False
    return column in _CODED or column.endswith(_CODED_SUFFIXES)


def category_label(column: str | None, value: Any, language: str = "no") -> str:
    """The label of one category ``value`` of ``column``; booleans are always translated (ja/nei).

    Examples
    --------
    >>> category_label("status", "no_centre"), category_label("status", "no_centre", "en")
    ('uten senterpunkt', 'no centre')
    >>> category_label("area", "Sentrum"), category_label("contiguous", True)
    ('Sentrum', 'ja')
    """
    which = check_language(language)
    text = str(value)
    if isinstance(value, bool | np.bool_) or (is_coded(column) and text in _VALUES):
        return _VALUES[text][which] if text in _VALUES else text
    return text
