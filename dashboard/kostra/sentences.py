"""One plain-language sentence per figure, computed from the data it shows.

Politicians read the sentence before the chart, so it must be right in every case: above or below the group,
level with it, a value SSB does not publish (its symbol is explained, never read as 0), and no group to compare
with. Pure functions on plain values, so every case is unit-tested without a database.
"""
from __future__ import annotations

from dashboard.core import fmt
from dashboard.core.sentences import missing, shown, status_text

# How each indicator is said in a sentence: "{name} brukte 261 816 kr per mottaker av hjemmetjenester i 2024".
# {value} is the formatted figure with its unit. Indicators not listed get a generic sentence.
PHRASES = {
    "home_care_cost_per_recipient": "{name} brukte {value} per mottaker av hjemmetjenester i {year}",
    "institution_cost_per_place": "{name} brukte {value} per kommunal institusjonsplass i {year}",
    "institution_to_home_cost_ratio": "I {name} kostet én institusjonsplass {value} så mye som "
                                      "én mottaker av hjemmetjenester i {year}",
    "home_care_share_of_care_net_expenditure": "{name} brukte {value} av netto driftsutgifter til pleie og omsorg "
                                               "på hjemmetjenester (f254) i {year}",
    "institution_share_of_care_net_expenditure": "{name} brukte {value} av netto driftsutgifter til pleie og "
                                                 "omsorg på institusjoner (f253) i {year}",
    "premises_share_of_care_net_expenditure": "{name} brukte {value} av netto driftsutgifter til pleie og omsorg "
                                              "på institusjonslokaler (f261) i {year}",
    "activity_share_of_care_net_expenditure": "{name} brukte {value} av netto driftsutgifter til pleie og omsorg "
                                              "på aktivisering og støttetjenester (f234) i {year}",
    "home_care_recipients_share_of_population": "{value} av innbyggerne i {name} mottok hjemmetjenester i {year}",
    "home_care_coverage_80_plus": "{value} av innbyggerne 80 år og over i {name} mottok hjemmetjenester i {year}",
    "institution_cost_per_day": "{name} brukte {value} per oppholdsdøgn i institusjon i {year}",
    "home_health_hours_per_week": "Brukere av helsetjenester i hjemmet i {name} fikk i snitt tildelt {value} i "
                                  "uken i {year}",
    "extensive_needs_share_80_plus": "{value} av hjemmetjenestebrukerne 80 år og over i {name} hadde omfattende "
                                     "bistandsbehov i {year}",
    "high_intensity_share": "{value} av mottakerne av hjemmetjenester i {name} var hjemmeboende med høy "
                            "timeinnsats i {year}",
    "man_years_per_user": "{name} hadde {value} per bruker av omsorgstjenester i {year}",
    "health_education_share": "{value} av de brukerrettede årsverkene i omsorgstjenesten i {name} var utført av "
                              "personell med helseutdanning i {year}",
    "private_institution_places_share": "{value} av institusjonsplassene i {name} var private i {year}",
}


def compare_to_group(*, name: str, year: int, value: float | None, status: str | None, unit: str, decimals: int,
                     group_name: str | None, group_value: float | None, group_status: str | None = None,
                     label: str = "Tallet", indicator_id: str | None = None, group_reason: str | None = None) -> str:
    """«Larvik brukte 261 816 kr per mottaker av hjemmetjenester i 2024, 19 % under KOSTRA-gruppe 14 (324 329 kr).»

    Shares (unit %) are compared in percentage points; other figures as a relative difference in per cent.
    `group_reason` is the build's reason when the group's figure is a sum with a member missing («Summen mangler:
    1 av 49 kommuner har ikke tall (4001 «:»)»): the reader learns why there is nothing to compare with.
    """
    if missing(value):
        return (f"{label} for {name} i {year} er ikke publisert: SSB viser {status_text(status)}. "
                "Det er ikke det samme som 0.")
    value_text = fmt.with_unit(value, unit, decimals)
    phrase = PHRASES.get(indicator_id or "", "{label} i {name} var {value} i {year}")
    head = phrase.format(name=name, value=value_text, year=year, label=label)
    head = head[:1].upper() + head[1:]
    if not group_name:
        return f"{head}. {name} er ikke med i noen KOSTRA-gruppe i {year}, så det er ingen gruppe å sammenligne med."
    if missing(group_value):
        why = f" {group_reason.rstrip('.')}." if group_reason else ""
        return (f"{head}. Tallet for {group_name} mangler ({status_text(group_status)}), så det kan ikke "
                f"sammenlignes med gruppen.{why}")
    group_text = fmt.with_unit(group_value, unit, decimals)
    # from the printed values: «0,1 prosentpoeng over … (44,7 %)» beside «44,7 %» would not add up
    value, group_value = shown(value, decimals), shown(group_value, decimals)
    if unit == "%":
        diff = shown(value - group_value, decimals)
        if diff == 0:
            return f"{head}, det samme som {group_name} ({group_text})."
        word = "over" if diff > 0 else "under"
        return (f"{head}, {fmt.number(abs(diff), decimals)}{fmt.NBSP}prosentpoeng {word} {group_name} "
                f"({group_text}).")
    if group_value == 0:
        return f"{head}. {group_name} hadde {group_text}."
    pct = round((value / group_value - 1) * 100)
    if pct == 0:
        return f"{head}, på nivå med {group_name} ({group_text})."
    word = "over" if pct > 0 else "under"
    return f"{head}, {fmt.number(abs(pct), 0)}{fmt.NBSP}% {word} {group_name} ({group_text})."


def rank_in_group(*, name: str, year: int, rank: int | None, count: int, label: str, group_name: str | None,
                  status: str | None = None) -> str:
    """«Larvik hadde den 3. høyeste kostnaden … av 12 kommuner i KOSTRA-gruppe 14 i 2024.»"""
    if not group_name:
        return f"{name} er ikke med i noen KOSTRA-gruppe i {year}."
    if rank is None:
        return (f"{name} kan ikke rangeres i {group_name} i {year}: SSB viser {status_text(status)} for kommunen.")
    if rank == 1:
        position = "høyest"
    elif rank == count:
        position = "lavest"
    else:
        position = f"nummer {rank} fra toppen"
    return f"{name} lå {position} av {count} kommuner i {group_name} i {year} på {label.lower()}."


def largest_part(*, name: str, year: int, parts: dict[str, float | None], whole: str, unit: str = "%") -> str | None:
    """«I 2024 var 45,2 % av mottakerne i Larvik 80 år og over (størst andel).» None when nothing is known."""
    known = {k: v for k, v in parts.items() if not missing(v)}
    if not known:
        return None
    label, value = max(known.items(), key=lambda kv: kv[1])
    return f"I {year} var den største delen av {whole} i {name} {label.lower()}: {fmt.with_unit(value, unit, 1)}."


def change_over_time(*, name: str, label: str, first_year: int, first: float | None, last_year: int,
                     last: float | None, unit: str, decimals: int, last_status: str | None = None) -> str | None:
    """«Larvik hadde 2 345 mottakere av hjemmetjenester i 2024, 6 % flere enn i 2017.»"""
    if missing(last):
        return f"{label} for {name} i {last_year} er ikke publisert: SSB viser {status_text(last_status)}."
    head = f"{label} i {name}: {fmt.with_unit(last, unit, decimals)} i {last_year}"
    if missing(first) or first_year == last_year:
        return head + "."
    first, last = shown(first, decimals), shown(last, decimals)
    if first == 0:
        return head + "."
    pct = round((last / first - 1) * 100)
    if pct == 0:
        return f"{head}, omtrent som i {first_year}."
    return f"{head}, {fmt.number(abs(pct), 0)}{fmt.NBSP}% {'flere' if pct > 0 else 'færre'} enn i {first_year}."
