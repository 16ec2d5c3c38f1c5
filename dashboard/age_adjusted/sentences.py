"""The age-adjusted page's words: the takeaway («Larvik ville brukt 45 mill. kr mer enn landet uten Oslo med sine
innbyggere: …»), what cannot be split and why (a missing or suppressed input makes its part missing, never zero),
and the method in plain Norwegian."""
from __future__ import annotations

from dashboard.age_adjusted import queries as aq
from dashboard.core.sentences import status_text

INPUT_WORDS = {
    ("home_care", "population"): "innbyggere", ("long_term", "population"): "innbyggere",
    ("home_care", "users"): "mottakere av hjemmetjenester", ("long_term", "users"): "langtidsbeboere i institusjon",
    ("home_care", "unit_cost"): "kostnad per mottaker av hjemmetjenester",
    ("long_term", "unit_cost"): "kostnad per kommunal institusjonsplass",
}
PART_WORDS = {"demography": "demografi", "coverage": "dekningsgrad", "unit_cost": "enhetskostnad"}


def _because(part: str, value: float) -> str:
    if part == "demography":
        return "fordi flere er eldre" if value > 0 else "fordi færre er eldre" if value < 0 else "fra aldersfordelingen"
    if part == "coverage":
        return ("fordi flere får tjenester" if value > 0 else "fordi færre får tjenester" if value < 0
                else "fra dekningsgraden")
    return ("fordi hver tjeneste koster mer" if value > 0 else "fordi hver tjeneste koster mindre" if value < 0
            else "fra enhetskostnaden")


def takeaway(c: aq.Comparison, service: str = "total") -> str | None:
    """«Larvik ville brukt 45 mill. kr mer enn landet uten Oslo med sine innbyggere i 2024: 12 mill. kr fordi flere
    er eldre, 40 mill. kr fordi flere får tjenester, −7 mill. kr fordi hver tjeneste koster mindre.» The amounts are
    rounded so that they add up. None when a part is missing (missing_sentences says why)."""
    row = c.row(service)
    if row is None or row["gap"] is None or any(row[p] is None for p in aq.PARTS):
        return None
    step = aq.million_step(row["gap"], *(row[p] for p in aq.PARTS))
    parts = aq.balanced({p: row[p] for p in aq.PARTS}, row["gap"], step)
    gap = sum(parts.values())
    what = "" if service == "total" else f" på {aq.SERVICE_WORDS[service]}"
    if gap == 0:
        head = f"{c.name} ville brukt like mye{what} som {c.reference_name} med sine innbyggere i {c.year}"
    else:
        head = (f"{c.name} ville brukt {aq.millions(abs(gap), step)} {'mer' if gap > 0 else 'mindre'}{what} enn "
                f"{c.reference_name} med sine innbyggere i {c.year}")
    return head + ": " + ", ".join(f"{aq.millions(parts[p], step)} {_because(p, parts[p])}" for p in aq.PARTS) + "."


def _reason(c: aq.Comparison, item: str) -> tuple[str, str]:
    """('mottakere av hjemmetjenester 67–79 år i Larvik', '«:» (vises ikke av personvernhensyn)') from a descriptor
    'service|who|input|age_group|status' of sql/queries/age_adjusted_split.sql."""
    service, who, what, age, status = (item.split("|") + [""] * 5)[:5]
    words = INPUT_WORDS.get((service, what), what)
    if age:
        words += f" {aq.AGE_LABELS.get(age, age)}"
    where = c.name if who == "own" else c.reference_name
    return f"{words} for {where}", status_text(status or "..")


def missing_sentences(c: aq.Comparison, service: str = "total", year: int | None = None) -> list[str]:
    """One sentence per group of parts that cannot be computed, naming the missing inputs and SSB's symbols."""
    year = year or c.year
    row = c.row(service, year)
    if row is None:
        return [f"Sammenligningen har ingen tall for {c.name} i {year}."]
    by_reasons: dict[tuple[str, ...], list[str]] = {}
    for part in aq.PARTS:
        if row[part] is None:
            by_reasons.setdefault(tuple(row[f"{part}_missing"] or ()), []).append(PART_WORDS[part])
    out = []
    for items, parts in by_reasons.items():
        reasons = [_reason(c, i) for i in items]
        shown = "; ".join(f"{what} {why}" for what, why in reasons[:3])
        more = f" og {len(reasons) - 3} til" if len(reasons) > 3 else ""
        names = " og ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)
        out.append(f"Delen for {names} kan ikke beregnes for {year}: {shown or 'et tall mangler'}{more} mangler. "
                   "Den vises ikke, heller ikke som 0.")
    if not out and row["gap"] is None:
        out.append(f"Avstanden for {year} kan ikke beregnes: et tall mangler.")
    return out


def service_sentence(c: aq.Comparison, service: str) -> str | None:
    """The takeaway for one service, or why it cannot be split."""
    text = takeaway(c, service)
    if text:
        return text
    missing = missing_sentences(c, service)
    return missing[0] if missing else None


def method_text(c: aq.Comparison) -> str:
    """The method, its order and what it is not, under the figures."""
    return f"""
**Slik er tallene regnet ut (egen beregning på SSBs tall)**

For hver tjeneste – hjemmetjenester og langtidsopphold i institusjon – og hver aldersgruppe er
**modellert utgift = innbyggere × dekningsgrad × enhetskostnad**:

- **Innbyggere** i aldersgruppene 0–66, 67–79, 80–89 og 90 år og over (SSB tabell 12292).
- **Dekningsgrad** = brukere i aldersgruppen delt på innbyggerne i den. Hjemmetjenester: mottakere i alt, 0–66 år og
  80 år og over fra SSB tabell 12292; 67–79 år er resten (i alt − 0–66 − 80+, egen beregning), og 80–89 og 90+ er
  slått sammen fordi tabellen ikke skiller dem. Langtidsopphold i institusjon: beboere etter alder fra SSB tabell
  11645 (0–66 år er summen av SSBs 0–49 og 50–66).
- **Enhetskostnad** = korrigerte brutto driftsutgifter per mottaker av hjemmetjenester og per kommunal
  institusjonsplass (SSBs nøkkeltall), den samme for alle aldre.

**Avstanden** er vår modellerte utgift minus det {c.reference_name} bruker per innbygger (modellert på samme måte)
ganget med våre innbyggere. Den deles i tre, **i denne rekkefølgen**, og de tre delene summerer seg nøyaktig til
avstanden (til kronen i tabellene):

1. **Demografi:** vår aldersfordeling med referansens dekningsgrad og enhetskostnad – hvor mye mer (eller mindre) vi
   ville brukt bare fordi innbyggerne er eldre (eller yngre).
2. **Dekningsgrad:** vår dekningsgrad minus referansens, i hver aldersgruppe, med referansens enhetskostnad – flere
   eller færre brukere per innbygger på samme alder.
3. **Enhetskostnad:** vår enhetskostnad minus referansens, med vår dekningsgrad – hver tjeneste koster mer eller
   mindre.

En annen rekkefølge gir litt andre tall for delene (men samme avstand). Referansen er {c.reference_name}; for
KOSTRA-grupper og landet er tallene SSBs egne der tabellen har dem (12292, 12209), ellers summen av kommunene (11645,
egen beregning). Mangler et tall, eller er det skjult av personvernhensyn («:»), vises delen som trenger det ikke –
aldri som 0.

**Dette er ikke den offisielle kostnadsnøkkelen.** Inntektssystemets kostnadsnøkkel (utgiftsutjevningen) veier
mange kriterier (alder, bosettingsmønster, sosiale forhold) til én indeks for hva kommunen *bør* bruke, uten en
oppdeling i årsaker. Her justeres bare for alder, og bare for to tjenester.
**Dette er heller ikke regnskapet:** modellert utgift er brukere × korrigerte brutto driftsutgifter per bruker
(KBDU), ikke netto driftsutgifter. Kostnaden per institusjonsplass gjelder alle kommunale plasser (også korttid), og
kostnaden per mottaker av hjemmetjenester alle mottakere; korttidsopphold og boliger med heldøgns bemanning er ikke med.
"""
