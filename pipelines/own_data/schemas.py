"""Column specs per file kind and the header matching that finds them in a file.

Exports name the same column many ways ("Oppr. budsjett", "Opprinnelig budsjett", "Budsjett opprinnelig");
matching on a normalised form (case, punctuation, æøå spelling, unit hints like "(1000 kr)" removed)
keeps the synonym lists short. A mapping file covers the rest.
"""
from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Field:
    name: str          # our name (the DB column)
    label: str         # Norwegian name shown to users
    type: str          # text | code | number | amount | pct | int | year | period | month | bool
    synonyms: tuple[str, ...] = ()


def _f(name, label, type_, *syn):
    return Field(name, label, type_, (label, *syn))


UNIT_CODE = _f("unit_code", "Ansvar", "code", "ansvarsnr", "ansvarsnummer", "ansvar nr", "ansvarskode", "ansvar kode",
               "ansvarssted", "koststed", "kostnadssted", "enhetsnr", "enhetsnummer", "enhetskode", "ansvar id")
UNIT_NAME = _f("unit_name", "Ansvarsnavn", "text", "ansvar navn", "ansvarstekst", "ansvar tekst", "ansvar beskrivelse",
               "enhet", "enhetsnavn", "enhet navn", "virksomhet", "virksomhetsnavn", "avdeling", "avdelingsnavn",
               "organisasjonsenhet", "org enhet")
YEAR = _f("year", "År", "year", "aar", "regnskapsår", "budsjettår", "årstall", "year")
PERIOD = _f("period", "Periode", "period", "måned", "mnd", "maned", "regnskapsperiode", "month", "periode nr")

BUDGET = (
    UNIT_CODE, UNIT_NAME,
    _f("sector", "Sektor", "text", "tjenesteområde", "rammeområde", "virksomhetsområde", "kommuneområde", "område",
       "sektornavn"),
    _f("service_code", "Tjeneste", "code", "tjenestenr", "tjenestekode", "tjeneste nr", "funksjon", "funksjonsnr",
       "kostra funksjon", "kostrafunksjon", "funksjonskode", "tjeneste funksjon"),
    _f("service_name", "Tjenestenavn", "text", "tjeneste navn", "tjenestetekst", "tjeneste tekst", "funksjonsnavn",
       "funksjon navn", "funksjonstekst"),
    _f("art_code", "Art", "code", "artskonto", "art nr", "artsnr", "artskode", "art kode", "konto", "kontonr",
       "kontonummer"),
    _f("art_name", "Artsnavn", "text", "art navn", "artstekst", "art tekst", "kontonavn", "konto navn", "kontotekst"),
    YEAR, PERIOD,
    _f("original_budget", "Opprinnelig budsjett", "amount", "oppr budsjett", "opprbudsjett", "oppr bud",
       "opprinnelig", "vedtatt budsjett", "budsjett opprinnelig", "budsjett oppr", "opprinnelig årsbudsjett"),
    _f("budget_changes", "Budsjettendringer", "amount", "endringer", "budsjettendring", "budsjett endringer",
       "budsjett endring", "endring", "endr budsjett"),
    _f("revised_budget", "Revidert budsjett", "amount", "rev budsjett", "revbudsjett", "rev bud", "revidert",
       "budsjett revidert", "justert budsjett", "korrigert budsjett", "budsjett", "budsjett hittil",
       "periodisert budsjett", "revidert årsbudsjett"),
    _f("accounts", "Regnskap", "amount", "regnskap hittil", "regnskapstall", "faktisk", "faktiske tall", "forbruk",
       "regnskap i år", "hittil i år regnskap", "akkumulert regnskap"),
)

SICK_LEAVE = (
    UNIT_CODE, UNIT_NAME, YEAR,
    _f("month", "Måned", "period", "periode", "mnd", "maned", "month", "fraværsmåned"),
    _f("sick_days", "Fraværsdager", "number", "sykefraværsdager", "sykedager", "tapte dagsverk",
       "fraværsdagsverk", "sykefravær dagsverk", "dagsverk fravær", "fravær dagsverk", "legemeldt og egenmeldt"),
    _f("self_certified_days", "Egenmeldt", "number", "egenmeldte dager", "egenmeldt fravær", "egenmeldt dagsverk",
       "egenmelding"),
    _f("doctor_certified_days", "Legemeldt", "number", "legemeldte dager", "legemeldt fravær", "legemeldt dagsverk",
       "sykmeldt"),
    _f("short_term_days", "Korttid", "number", "korttidsfravær", "kort fravær", "1 16 dager", "korttid dagsverk"),
    _f("long_term_days", "Langtid", "number", "langtidsfravær", "langt fravær", "over 16 dager", "17 dager eller mer",
       "langtid dagsverk"),
    _f("agreed_work_days", "Avtalte dagsverk", "number", "avtalte dager", "mulige dagsverk", "avtalt arbeidstid",
       "avtalte arbeidsdager", "mulige arbeidsdager", "dagsverk"),
    _f("sick_leave_pct", "Sykefravær %", "pct", "sykefravær", "sykefravær prosent", "fraværsprosent", "fravær",
       "sykefraværsprosent", "fravær prosent", "totalt fravær"),
    _f("employees", "Antall ansatte", "int", "ansatte", "antall", "årsverk ansatte", "antall medarbeidere"),
    _f("goal_pct", "Mål %", "pct", "mål", "måltall", "mål sykefravær", "fraværsmål", "sykefraværsmål", "målsetting"),
)

GOALS = (
    UNIT_CODE, UNIT_NAME, YEAR,
    _f("indicator", "Indikator", "text", "målbeskrivelse", "mål beskrivelse", "styringsindikator", "måleindikator",
       "kvalitetsindikator", "indikatornavn", "beskrivelse"),
    _f("goal", "Mål", "number", "måltall", "målverdi", "mål verdi", "ambisjon"),
    _f("result", "Resultat", "number", "resultatverdi", "oppnådd", "faktisk", "status verdi", "måling"),
    _f("higher_is_better", "Høyere er bedre", "bool", "retning", "høy er bra", "høyt er bra", "polaritet"),
    _f("unit", "Måleenhet", "text", "benevning", "enhet for mål", "skala"),
    _f("comment", "Kommentar", "text", "kommentarer", "merknad", "merknader", "status"),
)

BUDGET_FRAME = (
    _f("frame_name", "Ramme", "text", "rammeområde", "rammenavn", "budsjettramme"),
    YEAR,
    _f("ref_no", "Linjenr", "text", "linje nr", "linjenummer", "linje", "nr", "tiltaksnr"),
    _f("description", "Beskrivelse", "text", "tekst", "tiltak", "endring", "endringer", "post", "budsjettpost"),
    _f("category", "Kategori", "text", "type", "endringstype"),
    _f("amount", "Beløp", "amount", "sum", "beløp netto", "netto"),
)

SPECS: dict[str, tuple[Field, ...]] = {
    "budget": BUDGET,
    "sick-leave": SICK_LEAVE,
    "goals": GOALS,
    "budget-frame": BUDGET_FRAME,
}

_UNIT_HINT = re.compile(
    r"(1\s?000\s?kr|1\s?000\s?nok|tusen\s?kr|tusen\s?kroner|hele\s?tusen|i\s?1\s?000\b|kr\s?1\s?000|\(1\s?000\))",
    re.IGNORECASE,
)
_KR_HINT = re.compile(r"(\(kr\)|\bi\s+kr\b|\bhele\s+kroner\b|\bkroner\b|\(nok\))", re.IGNORECASE)


def amount_unit_hint(text: str | None) -> str | None:
    """'1000kr' or 'kr' when a header or title says so ("Regnskap (1000 kr)", "tall i 1 000 kr")."""
    if not text:
        return None
    t = text.replace("\u00a0", " ").replace("\u202f", " ")
    if _UNIT_HINT.search(t):
        return "1000kr"
    if _KR_HINT.search(t):
        return "kr"
    return None


def normalise(text: str | None) -> str:
    """The form headers are compared in: lower case, æøå spelled out, hints and punctuation removed."""
    if not text:
        return ""
    t = str(text).lower().replace("\u00a0", " ").replace("\u202f", " ")
    t = re.sub(r"\(.*?\)", " ", t)
    t = _UNIT_HINT.sub(" ", t)
    t = re.sub(r"\b(i\s+)?(kr|nok|kroner)\b", " ", t)
    t = t.replace("æ", "ae").replace("ø", "o").replace("å", "a").replace("aa", "a")
    t = re.sub(r"[^a-z0-9 ]+", " ", t)
    t = re.sub(r"\b(19|20)\d\d\b", " ", t)  # "Regnskap 2024" is still Regnskap
    return " ".join(t.split())


def synonym_index(kind: str) -> dict[str, tuple[str, int]]:
    """normalised header -> (field name, rank); lower rank wins when two columns claim one field."""
    index: dict[str, tuple[str, int]] = {}
    for field in SPECS[kind]:
        for rank, syn in enumerate((field.name, *field.synonyms)):
            key = normalise(syn)
            if key and key not in index:
                index[key] = (field.name, rank)
    return index


def field_by_name(kind: str) -> dict[str, Field]:
    return {f.name: f for f in SPECS[kind]}


class MappingError(ValueError):
    """The mapping file is unreadable or names a field we do not have; message for the user."""


def load_mapping(kind: str, mapping) -> dict[str, str]:
    """{normalised file header: field name} from a dict, JSON/TOML text or a path.

    Keys may be our field names or their Norwegian labels/synonyms ("Regnskap"); values are the file's headers.
    """
    if mapping is None:
        return {}
    if isinstance(mapping, (str, Path)) and not isinstance(mapping, dict):
        path = Path(mapping)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise MappingError(f"Fant ikke kolonnekartet «{path}».") from exc
        mapping = _parse_mapping_text(raw, path.suffix.lower())
    elif isinstance(mapping, bytes):
        mapping = _parse_mapping_text(mapping, "")
    if not isinstance(mapping, dict):
        raise MappingError("Kolonnekartet må være et oppslag {\"Vår kolonne\": \"overskrift i filen\"}.")
    index = synonym_index(kind)
    out: dict[str, str] = {}
    for ours, theirs in mapping.items():
        hit = index.get(normalise(ours))
        if hit is None:
            labels = ", ".join(f.label for f in SPECS[kind])
            raise MappingError(f"Kolonnekartet nevner «{ours}», som ikke er en kjent kolonne. Kjente kolonner: {labels}.")
        if not isinstance(theirs, str) or not theirs.strip():
            raise MappingError(f"Kolonnekartet: «{ours}» må peke på en overskrift i filen (tekst).")
        out[normalise(theirs)] = hit[0]
    return out


def _parse_mapping_text(raw: bytes, suffix: str):
    text = raw.decode("utf-8-sig")
    if suffix != ".toml":
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            if suffix == ".json":
                raise MappingError("Kolonnekartet er ikke gyldig JSON.") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError("Kolonnekartet er verken gyldig JSON eller TOML.") from exc
