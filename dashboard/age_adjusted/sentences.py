"""The age-adjusted page's words: the takeaway («Larvik ville brukt 45 mill. kr mer enn landet uten Oslo med sine
innbyggere: …»), what cannot be split and why (a missing or suppressed input makes its part missing, never zero),
and the method in plain Norwegian."""
from __future__ import annotations

from dashboard.age_adjusted import queries as aq
from dashboard.core import fmt
from dashboard.core.text import markdown_text, possessive

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


# a part whose services point different ways: what each service's share says, by the sign of its amount
SERVICE_PART_WORDS = {
    ("demography", "home_care"): ("aldersfordelingen gir mer hjemmetjenester", "aldersfordelingen gir mindre "
                                  "hjemmetjenester", "aldersfordelingen gir like mye hjemmetjenester"),
    ("demography", "long_term"): ("mer langtidsopphold i institusjon", "mindre langtidsopphold i institusjon",
                                  "like mye langtidsopphold i institusjon"),
    ("coverage", "home_care"): ("flere får hjemmetjenester", "færre får hjemmetjenester",
                                "like mange får hjemmetjenester"),
    ("coverage", "long_term"): ("flere har langtidsopphold i institusjon", "færre har langtidsopphold i institusjon",
                                "like mange har langtidsopphold i institusjon"),
    ("unit_cost", "home_care"): ("hjemmetjenestene koster mer", "hjemmetjenestene koster mindre",
                                 "hjemmetjenestene koster like mye"),
    ("unit_cost", "long_term"): ("institusjonsplassene koster mer", "institusjonsplassene koster mindre",
                                 "institusjonsplassene koster like mye"),
}


def _service_words(part: str, service: str, value: float) -> str:
    more, less, same = SERVICE_PART_WORDS[(part, service)]
    return more if value > 0 else less if value < 0 else same


def _signed_millions(value: float, step: float) -> str:
    return ("+" if value > 0 else "") + aq.millions(value, step)


def _part_phrase(c: aq.Comparison, part: str, amount: float, step: float) -> str:
    """«12 mill. kr fordi flere er eldre» when every service's share points the way of the part (or the sentence is
    about one service); otherwise each service with its own amount and direction, and a shift between the services
    named as one: «−6 mill. kr i dekningsgrad, en forskyvning mellom tjenestene: flere får hjemmetjenester
    (+67 mill. kr), færre har langtidsopphold i institusjon (−73 mill. kr)». The services' amounts are rounded to
    add up to the part's."""
    by_service = _service_shares(c, part, amount, step)
    signs = {(v > 0) - (v < 0) for v in by_service.values()}
    if not by_service or len(signs) == 1 and signs != {0} and signs == {(amount > 0) - (amount < 0)}:
        return f"{aq.millions(amount, step)} {_because(part, amount)}"
    shift = part == "coverage" and signs == {1, -1}
    head = f"{aq.millions(amount, step)} i {PART_WORDS[part]}" + (", en forskyvning mellom tjenestene" if shift else "")
    return head + ": " + ", ".join(f"{_service_words(part, s, v)} ({_signed_millions(v, step)})"
                                   for s, v in by_service.items())


def _service_shares(c: aq.Comparison, part: str, amount: float, step: float) -> dict[str, float]:
    """The part's amount per service, rounded to `step` so they add up to the printed amount ({} when a service has
    no row or no value for the part)."""
    rows = {s: c.row(s) for s in aq.SERVICES}
    if any(r is None or r[part] is None for r in rows.values()):
        return {}
    return aq.balanced({s: r[part] for s, r in rows.items()}, amount, step)


def head(c: aq.Comparison, gap: float, step: float, service: str = "total") -> str:
    """Whose spending and whose inhabitants, unambiguously: «Larviks modellerte utgift i 2024 er 45 mill. kr høyere
    enn det landet uten Oslo ville brukt på Larviks innbyggere»."""
    what = "" if service == "total" else f" til {aq.SERVICE_WORDS[service]}"
    own = possessive(c.name)
    if gap == 0:
        return (f"{own} modellerte utgift{what} i {c.year} er like høy som det {c.reference_name} ville brukt på "
                f"{own} innbyggere")
    return (f"{own} modellerte utgift{what} i {c.year} er {aq.millions(abs(gap), step)} "
            f"{'høyere' if gap > 0 else 'lavere'} enn det {c.reference_name} ville brukt på {own} innbyggere")


def takeaway(c: aq.Comparison, service: str = "total") -> str | None:
    """«Larviks modellerte utgift i 2024 er 45 mill. kr høyere enn det landet uten Oslo ville brukt på Larviks
    innbyggere: 12 mill. kr fordi flere er eldre, 40 mill. kr fordi flere får tjenester, −7 mill. kr fordi hver
    tjeneste koster mindre.» The amounts are rounded so that they add up; a part whose services point different
    ways says so for each service (_part_phrase), so no direction word is false for a part it summarises. None when
    a part is missing (missing_sentences says why)."""
    row = c.row(service)
    if row is None or row["gap"] is None or any(row[p] is None for p in aq.PARTS):
        return None
    step = aq.million_step(row["gap"], *(row[p] for p in aq.PARTS))
    parts = aq.balanced({p: row[p] for p in aq.PARTS}, row["gap"], step)
    gap = sum(parts.values())
    phrases = [_part_phrase(c, p, parts[p], step) if service == "total" else
               f"{aq.millions(parts[p], step)} {_because(p, parts[p])}" for p in aq.PARTS]
    return head(c, gap, step, service) + ": " + ("; " if any(":" in p for p in phrases) else ", ").join(phrases) + "."


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
    """The method, its order and what it is not, under the figures: Markdown, so the reference's name is escaped."""
    reference = markdown_text(c.reference_name)
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

**Avstanden** er vår modellerte utgift minus det {reference} bruker per innbygger (modellert på samme måte)
ganget med våre innbyggere. Den deles i tre, **i denne rekkefølgen**, og de tre delene summerer seg nøyaktig til
avstanden (til kronen i tabellene):

1. **Demografi:** vår aldersfordeling med referansens dekningsgrad og enhetskostnad – hvor mye mer (eller mindre) vi
   ville brukt bare fordi innbyggerne er eldre (eller yngre).
2. **Dekningsgrad:** vår dekningsgrad minus referansens, i hver aldersgruppe, med referansens enhetskostnad – flere
   eller færre brukere per innbygger på samme alder.
3. **Enhetskostnad:** vår enhetskostnad minus referansens, med vår dekningsgrad – hver tjeneste koster mer eller
   mindre.

En annen rekkefølge gir litt andre tall for delene (men samme avstand). Referansen er {reference}; for
KOSTRA-grupper og landet er tallene SSBs egne der tabellen har dem (12292, 12209), ellers summen av kommunene (07459,
11645, egen beregning; mangler én kommune, mangler summen). Mangler et tall, eller er det skjult av personvernhensyn
(«:»), vises delen som trenger det ikke –
aldri som 0.

**Dette er ikke den offisielle kostnadsnøkkelen.** Inntektssystemets kostnadsnøkkel (utgiftsutjevningen) veier
mange kriterier (alder, bosettingsmønster, sosiale forhold) til én indeks for hva kommunen *bør* bruke, uten en
oppdeling i årsaker. Her justeres bare for alder, og bare for to tjenester.
**Dette er heller ikke regnskapet:** modellert utgift er brukere × korrigerte brutto driftsutgifter per bruker
(KBDU), ikke netto driftsutgifter. Kostnaden per institusjonsplass gjelder alle kommunale plasser (også korttid), og
kostnaden per mottaker av hjemmetjenester alle mottakere; korttidsopphold og boliger med heldøgns bemanning er ikke med.
"""
