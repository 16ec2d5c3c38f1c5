"""The age-adjusted page's words: the takeaway («Larvik ville brukt 45 mill. kr mer enn landet uten Oslo med sine
innbyggere: …»), what cannot be split and why (a missing or suppressed input makes its part missing, never zero),
and the method in plain Norwegian."""
from __future__ import annotations

from dashboard.age_adjusted import queries as aq
from dashboard.core import fmt

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


def _meaning(status: str) -> str:
    """«:» (vises ikke av personvernhensyn): SSB's symbol and its meaning, short, for the middle of a sentence."""
    meaning = (fmt.status_meaning(status).split(" (")[0] or "tall mangler").lower()
    return f"«{status}» ({meaning})"


def _reasons(c: aq.Comparison, items: list[str] | tuple[str, ...]) -> list[str]:
    """Descriptors 'service|who|input|age_group|status' (sql/queries/age_adjusted_split.sql) as phrases, one per
    input, place and symbol: «innbyggere 67–79 år og 80 år og over for Larvik «:» (vises ikke av personvernhensyn)».
    Inhabitants are the same for both services, so they are named once; all age groups at once need no ages."""
    groups: dict[tuple[str, str, str], list[str]] = {}
    for item in items:
        service, who, what, age, status = (item.split("|") + [""] * 5)[:5]
        key = (INPUT_WORDS.get((service, what), what), who, status or "..")
        ages = groups.setdefault(key, [])
        if age and aq.AGE_LABELS.get(age, age) not in ages:
            ages.append(aq.AGE_LABELS.get(age, age))
    out = []
    for (words, who, status), ages in groups.items():
        every_age = words == "innbyggere" and len(ages) >= 4
        shown = words if not ages or every_age else f"{words} {' og '.join([', '.join(ages[:-1]), ages[-1]] if len(ages) > 1 else ages)}"
        out.append(f"{shown} for {c.name if who == 'own' else c.reference_name} {_meaning(status)}")
    return out


def missing_sentences(c: aq.Comparison, service: str = "total", year: int | None = None) -> list[str]:
    """One sentence per group of parts that cannot be computed, naming the missing inputs and SSB's symbols."""
    year = year or c.year
    row = c.row(service, year)
    if row is None:
        return [f"Sammenligningen har ingen tall for {c.name} i {year}."]
    missing = [p for p in aq.PARTS if row[p] is None]
    if len(missing) == len(aq.PARTS):
        inhabitants = [i for i in row["demography_missing"] or () if "|population|" in i]
        if inhabitants and all(any("|population|" in i for i in row[f"{p}_missing"] or ()) for p in aq.PARTS):
            return [f"Ingen av delene kan beregnes for {year}: " + "; ".join(_reasons(c, inhabitants))
                    + " mangler. De vises ikke, heller ikke som 0."]
    by_reasons: dict[tuple[str, ...], list[str]] = {}
    for part in missing:
        by_reasons.setdefault(tuple(_reasons(c, row[f"{part}_missing"] or ())), []).append(PART_WORDS[part])
    out = []
    for reasons, parts in by_reasons.items():
        names = " og ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)
        out.append(f"Delen for {names} kan ikke beregnes for {year}: {'; '.join(reasons) or 'et tall'} mangler. "
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

- **Innbyggere** i aldersgruppene 0–66, 67–79, 80–89 og 90 år og over: SSB tabell 07459, ettårige aldre summert til
  gruppene (egen sum; KOSTRA-grupper og landet er summen av kommunene).
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
KOSTRA-grupper og landet er tallene SSBs egne der tabellen har dem (12292, 12209), ellers summen av kommunene (07459,
11645, egen beregning; mangler én kommune, mangler summen). Mangler et tall, eller er det skjult av personvernhensyn («:»), vises delen som trenger det ikke –
aldri som 0.

**Dette er ikke den offisielle kostnadsnøkkelen.** Inntektssystemets kostnadsnøkkel (utgiftsutjevningen) veier
mange kriterier (alder, bosettingsmønster, sosiale forhold) til én indeks for hva kommunen *bør* bruke, uten en
oppdeling i årsaker. Her justeres bare for alder, og bare for to tjenester.
**Dette er heller ikke regnskapet:** modellert utgift er brukere × korrigerte brutto driftsutgifter per bruker
(KBDU), ikke netto driftsutgifter. Kostnaden per institusjonsplass gjelder alle kommunale plasser (også korttid), og
kostnaden per mottaker av hjemmetjenester alle mottakere; korttidsopphold og boliger med heldøgns bemanning er ikke med.
"""
