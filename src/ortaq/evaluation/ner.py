"""`ortaq eval ner`: exact-span scores of the statistical NER on labelled files.

Readers accept CoNLL-style files (one `token tag` per line; sentences separated by
blank lines, or, in files without any blank line, ended by a sentence-final token)
in IOB1 or IOB2 (IOBES is read too), and HIPE-2020 TSV files (`.tsv`: the
NE-COARSE-LIT column). Every type is mapped to PER, LOC or ORG or ignored:
KazNERD's PERSON, GPE/LOCATION and ORGANISATION, ANERcorp's PERS, HIPE's
pers/loc/org. Scores are micro-averaged over the three types; "strict" counts a
predicted span only when start, end and type equal a gold span, "fuzzy" when it
overlaps a gold span of the same type.

The held-out splits that the model cards report live here too (`heldout_sentences`),
so that the training script and the tests cut the data the same way.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

TYPES = ("PER", "LOC", "ORG")

TYPE_MAP: dict[str, str] = {
    "PER": "PER",
    "PERS": "PER",
    "PERSON": "PER",
    "LOC": "LOC",
    "LOCATION": "LOC",
    "GPE": "LOC",
    "ORG": "ORG",
    "ORGANISATION": "ORG",
    "ORGANIZATION": "ORG",
}

SENTENCE_FINAL = frozenset({".", "!", "?", "؟", "…", "。"})


def map_type(raw: str) -> str | None:
    """PER, LOC or ORG for a corpus' type name; None for every other type."""
    return TYPE_MAP.get(raw.upper())


@dataclass(frozen=True, slots=True)
class Sentence:
    tokens: list[str]
    tags: list[str]


Span = tuple[int, int, str]  # start token, end token (exclusive), type


def spans(tags: Sequence[str], *, mapped: bool = True) -> list[Span]:
    """Spans of an IOB1, IOB2 or IOBES tag sequence.

    A span starts at B-X or S-X, or at I-X/E-X that does not continue a span of
    type X (IOB1, or a broken IOB2 sequence); it ends before O, before another
    type, before B-X/S-X, or after E-X/S-X. With `mapped`, types are mapped to
    PER/LOC/ORG and spans of other types are dropped.
    """
    found: list[Span] = []
    start = -1
    kind = ""

    def close(end: int) -> None:
        if start >= 0:
            t = map_type(kind) if mapped else kind
            if t is not None:
                found.append((start, end, t))

    for i, tag in enumerate(tags):
        if tag == "O" or len(tag) < 3 or tag[1] != "-":
            close(i)
            start = -1
            continue
        prefix, t = tag[0].upper(), tag[2:]
        if prefix in "BS" or start < 0 or t != kind:
            close(i)
            start, kind = i, t
        if prefix in "ES":
            close(i + 1)
            start = -1
    close(len(tags))
    return found


def to_iob2(tags: Sequence[str]) -> list[str]:
    """IOB2 tags (PER/LOC/ORG only) for any IOB1/IOB2/IOBES sequence."""
    out = ["O"] * len(tags)
    for s, e, t in spans(tags):
        out[s] = "B-" + t
        for i in range(s + 1, e):
            out[i] = "I-" + t
    return out


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score_spans(
    gold: Sequence[Sequence[Span]], pred: Sequence[Sequence[Span]]
) -> dict[str, object]:
    """Micro P/R/F1 (strict and fuzzy) over PER/LOC/ORG, with per-type figures.

    `gold[i]` and `pred[i]` are the spans of sentence i. Strict: same start, end and
    type. Fuzzy: a predicted span is correct when it overlaps a gold span of the same
    type; a gold span is found when a predicted span of its type overlaps it.
    """
    if len(gold) != len(pred):
        raise ValueError("gold and predicted span lists differ in length")
    count = {t: {"tp": 0, "pred": 0, "gold": 0, "fuzzy_p": 0, "fuzzy_r": 0} for t in TYPES}
    for g_sent, p_sent in zip(gold, pred, strict=True):
        g_set = {s for s in g_sent if s[2] in count}
        p_set = {s for s in p_sent if s[2] in count}
        for s in g_set:
            count[s[2]]["gold"] += 1
            if any(p[2] == s[2] and p[0] < s[1] and s[0] < p[1] for p in p_set):
                count[s[2]]["fuzzy_r"] += 1
        for s in p_set:
            count[s[2]]["pred"] += 1
            if s in g_set:
                count[s[2]]["tp"] += 1
            if any(g[2] == s[2] and g[0] < s[1] and s[0] < g[1] for g in g_set):
                count[s[2]]["fuzzy_p"] += 1

    def block(c: dict[str, int]) -> dict[str, float | int]:
        p, r, f = _prf(c["tp"], c["pred"], c["gold"])
        fp = c["fuzzy_p"] / c["pred"] if c["pred"] else 0.0
        fr = c["fuzzy_r"] / c["gold"] if c["gold"] else 0.0
        ff = 2 * fp * fr / (fp + fr) if fp + fr else 0.0
        return {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f, 4),
            "fuzzy_precision": round(fp, 4),
            "fuzzy_recall": round(fr, 4),
            "fuzzy_f1": round(ff, 4),
            "support": c["gold"],
            "predicted": c["pred"],
        }

    total = {
        k: sum(count[t][k] for t in TYPES) for k in ("tp", "pred", "gold", "fuzzy_p", "fuzzy_r")
    }
    overall = block(total)
    return {
        "precision": overall["precision"],
        "recall": overall["recall"],
        "f1": overall["f1"],
        "fuzzy": {
            "precision": overall["fuzzy_precision"],
            "recall": overall["fuzzy_recall"],
            "f1": overall["fuzzy_f1"],
        },
        "support": overall["support"],
        "per_type": {t: block(count[t]) for t in TYPES},
    }


# --- readers -----------------------------------------------------------------------


def _split_on_final(tokens: list[str], tags: list[str]) -> list[Sentence]:
    out: list[Sentence] = []
    s = 0
    for i, tok in enumerate(tokens):
        nxt = tags[i + 1] if i + 1 < len(tags) else "O"
        # never cut inside an entity (IOB1 continues with I- of the same type)
        if tok in SENTENCE_FINAL and not (nxt.startswith(("I-", "E-"))):
            out.append(Sentence(tokens[s : i + 1], tags[s : i + 1]))
            s = i + 1
    if s < len(tokens):
        out.append(Sentence(tokens[s:], tags[s:]))
    return out


def read_conll(path: Path) -> list[Sentence]:
    """Sentences of a `token tag` file (extra middle columns are ignored)."""
    blocks: list[tuple[list[str], list[str]]] = [([], [])]
    saw_blank = False
    with path.open(encoding="utf-8") as handle:
        for raw in handle:
            line = raw.strip()
            if not line:
                saw_blank = True
                if blocks[-1][0]:
                    blocks.append(([], []))
                continue
            if line.startswith("-DOCSTART-"):
                continue
            parts = line.split()
            if len(parts) < 2:
                continue  # a token without a tag (or a tag without a token)
            blocks[-1][0].append(parts[0])
            blocks[-1][1].append(parts[-1])
    sentences: list[Sentence] = []
    for toks, tags in blocks:
        if not toks:
            continue
        if saw_blank:
            sentences.append(Sentence(toks, tags))
        else:
            sentences.extend(_split_on_final(toks, tags))
    return sentences


def read_hipe_documents(path: Path, column: str = "NE-COARSE-LIT") -> list[list[Sentence]]:
    """The documents of a HIPE-2020 TSV file, each a list of sentences (PySBD segments)."""
    documents: list[list[Sentence]] = [[]]
    toks: list[str] = []
    tags: list[str] = []
    col = 1
    misc = -1

    def flush() -> None:
        nonlocal toks, tags
        if toks:
            documents[-1].append(Sentence(toks, tags))
        toks, tags = [], []

    with path.open(encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if line.startswith("TOKEN\t"):
                header = line.split("\t")
                col = header.index(column)
                misc = header.index("MISC") if "MISC" in header else -1
                continue
            if not line.strip():
                flush()
                continue
            if line.startswith("#") and "\t" not in line:
                if "document_id" in line:
                    flush()
                    if documents[-1]:
                        documents.append([])
                continue
            parts = line.split("\t")
            toks.append(parts[0])
            tags.append(parts[col] if col < len(parts) else "O")
            note = parts[misc] if 0 <= misc < len(parts) else ""
            if "EndOfSentence" in note or "PySBDSegment" in note:
                flush()
    flush()
    return [d for d in documents if d]


def read_hipe(path: Path, column: str = "NE-COARSE-LIT") -> list[Sentence]:
    """Sentences of a HIPE-2020 TSV file: documents split at PySBD segment ends."""
    return [s for doc in read_hipe_documents(path, column) for s in doc]


def read_labelled(path: Path) -> list[Sentence]:
    return read_hipe(path) if path.suffix.lower() == ".tsv" else read_conll(path)


# --- documented splits ---------------------------------------------------------------

#: what each language's model is trained on and tested on (see docs/models/ner-*.md)
SPLITS = {
    "kk": "kaznerd/IOB2_valid.txt: sentences [0, 80%) train, [80%, 100%) held-out test",
    "ar": "anercorp/ANERcorp_train80.txt: sentences [0, 80%) train, [80%, 100%) held-out test",
    "fr": "europeana_fr/enp_FR.bnf.bio: all for training; hipe2020_fr dev (HIPE TSV) split by "
    "document: even-numbered documents for tuning the span rules, odd-numbered ones the test",
}
TRAIN_SHARE = 0.8


def corpus_sentences(language: str, data_dir: Path) -> list[Sentence]:
    if language == "kk":
        return read_conll(data_dir / "kaznerd" / "IOB2_valid.txt")
    if language == "ar":
        return read_conll(data_dir / "anercorp" / "ANERcorp_train80.txt")
    if language == "fr":
        return read_conll(data_dir / "europeana_fr" / "enp_FR.bnf.bio")
    raise ValueError(f"no labelled corpus for {language!r}")


def train_sentences(language: str, data_dir: Path) -> list[Sentence]:
    sents = corpus_sentences(language, data_dir)
    if language == "fr":
        return sents
    return sents[: int(len(sents) * TRAIN_SHARE)]


def hipe_halves(data_dir: Path) -> tuple[list[Sentence], list[Sentence]]:
    """HIPE-2020 dev FR split by document: (tuning half, test half).

    The tuning half (documents 0, 2, 4 ...) was looked at to write the French span
    rules (`hipe_conventions`, `ortaq.entities.ner.french_rules`); only the test half
    (documents 1, 3, 5 ...) is reported. The whole dev set is no longer a clean test.
    """
    docs = read_hipe_documents(data_dir / "hipe2020_fr" / "HIPE-data-v1.4-dev-fr.tsv")
    tune = [s for i, d in enumerate(docs) if i % 2 == 0 for s in d]
    test = [s for i, d in enumerate(docs) if i % 2 == 1 for s in d]
    return tune, test


def heldout_sentences(language: str, data_dir: Path) -> list[Sentence]:
    """The test part that no model or cluster ever learned from, nor any rule was tuned on."""
    if language == "fr":
        return hipe_halves(data_dir)[1]
    sents = corpus_sentences(language, data_dir)
    return sents[int(len(sents) * TRAIN_SHARE) :]


# --- span conventions ---------------------------------------------------------------

#: Honorifics and titles that HIPE-2020's guidelines put inside a person mention
#: ("M. Hagenbeck"); Europeana and the model leave them out.
HIPE_TITLES = frozenset(
    {
        "m",
        "mm",
        "mme",
        "mmes",
        "mlle",
        "mlles",
        "mgr",
        "me",
        "dr",
        "m.",
        "mm.",
        "mme.",
        "mgr.",
        "dr.",
        "monsieur",
        "madame",
        "mademoiselle",
        "messieurs",
        "sir",
        "lord",
    }
)


def hipe_titles(tokens: Sequence[str], tags: list[str]) -> list[str]:
    """Extend each predicted PER span leftwards over a title and its full stop."""
    out = list(tags)
    for i, tag in enumerate(tags):
        if tag != "B-PER":
            continue
        j = i
        if j >= 2 and tokens[j - 1] == "." and tokens[j - 2].lower() in HIPE_TITLES:
            j -= 2
        elif j >= 1 and tokens[j - 1].lower() in HIPE_TITLES:
            j -= 1
        if j < i and all(t == "O" for t in out[j:i]):
            out[j] = "B-PER"
            for k in range(j + 1, i + 1):
                out[k] = "I-PER"
    return out


#: Functions, ranks and nobility titles that HIPE-2020's guidelines count as components
#: of a person mention (comp.title, comp.function) when they stand next to the name.
HIPE_FUNCTIONS = frozenset(
    [
        "président",
        "présidente",
        "vice-président",
        "ministre",
        "secrétaire",
        "directeur",
        "directrice",
        "ambassadeur",
        "consul",
        "roi",
        "reine",
        "prince",
        "princesse",
        "empereur",
        "impératrice",
        "archiduc",
        "archiduchesse",
        "duc",
        "duchesse",
        "comte",
        "comtesse",
        "baron",
        "baronne",
        "marquis",
        "marquise",
        "vicomte",
        "chevalier",
        "sire",
        "majesté",
        "altesse",
        "sainteté",
        "excellence",
        "pape",
        "cardinal",
        "évêque",
        "archevêque",
        "abbé",
        "curé",
        "pasteur",
        "vicaire",
        "chanoine",
        "rabbin",
        "père",
        "frère",
        "sœur",
        "sœurs",
        "frères",
        "docteur",
        "dr",
        "professeur",
        "maître",
        "me",
        "général",
        "généraux",
        "maréchal",
        "amiral",
        "colonel",
        "lieutenant",
        "capitaine",
        "commandant",
        "sergent",
        "caporal",
        "major",
        "soldat",
        "chef",
        "conseiller",
        "conseillers",
        "conseillère",
        "député",
        "sénateur",
        "maire",
        "préfet",
        "sous-préfet",
        "gouverneur",
        "juge",
        "procureur",
        "avocat",
        "notaire",
        "syndic",
        "intendant",
        "commissaire",
        "inspecteur",
        "ingénieur",
        "chancelier",
        "landammann",
        "questeur",
        "trésorier",
        "délégué",
        "administrateur",
        "rédacteur",
        "correspondant",
        "citoyen",
        "sieur",
        "lord",
        "sir",
        "mgr",
        "m",
        "mm",
        "mme",
        "mlle",
        "monsieur",
        "madame",
        "mademoiselle",
        "messieurs",
        "mesdames",
        "veuve",
        "fédéral",
        "fédéraux",
        "marchand",
        "négociant",
        "fabricant",
        "commerçant",
        "industriel",
        "banquier",
        "imprimeur",
        "éditeur",
        "écrivain",
        "auteur",
        "poète",
        "artiste",
        "peintre",
        "sculpteur",
        "musicien",
        "compositeur",
        "organiste",
        "architecte",
        "médecin",
        "chirurgien",
        "pharmacien",
        "instituteur",
        "horloger",
        "agriculteur",
        "employé",
        "ouvrier",
        "membre",
        "fils",
        "fille",
        "épouse",
        "femme",
        "champion",
        "championne",
        "homologue",
        "secrétaire-adjoint",
        "candidat",
        "chanteur",
        "chanteuse",
        "acteur",
        "actrice",
        "couturier",
    ]
)
_HIPE_FILLERS = frozenset({"le", "la", "les", "l", "l'", "'", ".", "-"})
_HIPE_STOPS = frozenset({",", ".", ";", ":", ")", "(", "»", "«", "!", "?"})
_HIPE_DETS = frozenset(
    {
        "le",
        "la",
        "l",
        "l'",
        "'",
        "notre",
        "son",
        "sa",
        "leur",
        "un",
        "une",
        "ancien",
        "ancienne",
        "nouveau",
        "nouvel",
        "nouvelle",
        "célèbre",
        "actuel",
        "futur",
        "feu",
    }
)


def _is_function(word: str) -> bool:
    w = word.lower().rstrip(".")
    return w in HIPE_FUNCTIONS or w in HIPE_TITLES


def hipe_conventions(tokens: Sequence[str], tags: list[str]) -> list[str]:
    """HIPE-2020 person spans from name-only spans (from the HIPE annotation guidelines).

    Titles, functions and ranks right before a name, and an apposition after it that
    starts with a function ("M. Hagenbeck, le célèbre marchand d'animaux de Hambourg"),
    are part of the person mention; mentions inside it are dropped (HIPE nests them).
    """
    out = hipe_titles(tokens, tags)
    n = len(tokens)
    for s, e, t in spans(list(out)):
        if t != "PER":
            continue
        # leftwards: a run of titles, functions and articles; a lower-case qualifier
        # only right after a function ("président français", "conseiller fédéral")
        j = s
        start = s
        while j > 0 and j > s - 6 and out[j - 1] == "O":
            w = tokens[j - 1]
            if _is_function(w):
                start = j - 1
            elif w.lower() in _HIPE_FILLERS:
                pass
            elif not (w.isalpha() and w.islower() and j > 1 and _is_function(tokens[j - 2])):
                break
            j -= 1
        # rightwards: ", [determiner] function ..." up to the next punctuation
        end = e
        if e + 1 < n and tokens[e] == ",":
            k = e + 1
            while k < n and k < e + 4 and tokens[k].lower() in _HIPE_DETS:
                k += 1
            if k < n and _is_function(tokens[k]):
                k += 1
                while (
                    k < n
                    and k < e + 12
                    and tokens[k] not in _HIPE_STOPS
                    and not out[k].endswith("PER")
                ):
                    k += 1
                end = k
        if start < s or end > e:
            for k in range(start, end):
                out[k] = "I-PER"
            out[start] = "B-PER"
            if end < n and out[end].startswith("I-"):
                out[end] = "B-" + out[end][2:]
    return out


# --- evaluation ----------------------------------------------------------------------

Tagger = Callable[[list[str], str], list[str]]


Convention = Callable[[Sequence[str], list[str]], list[str]]


DocumentTagger = Callable[[list[list[str]], str], list[list[str]]]

#: without document boundaries (KazNERD, ANERcorp), runs of this many consecutive
#: sentences are tagged as one document (the Arabic second pass looks across them)
DOCUMENT_BLOCK = 10


def evaluate_sentences(
    sentences: Iterable[Sentence],
    language: str,
    tagger: Tagger | None = None,
    convention: Convention | None = None,
    document_tagger: DocumentTagger | None = None,
    block: int = DOCUMENT_BLOCK,
) -> dict[str, object]:
    """Tag every sentence and score it against its gold tags.

    With `tagger`, sentences are tagged one by one; otherwise `document_tagger`
    (default: `ortaq.entities.ner.tag_document`) tags runs of `block` consecutive
    sentences as one document. With `convention`, predicted tags are mapped to the
    test set's span conventions before scoring (HIPE: titles and functions inside
    person spans); the unmapped strict scores are reported beside them as `unmapped`.
    """
    sents = list(sentences)
    if tagger is not None:
        one = tagger

        def by_document(doc: list[list[str]], lang: str) -> list[list[str]]:
            return [one(tokens, lang) for tokens in doc]

        document_tagger = by_document
        block = 1
    elif document_tagger is None:
        from ortaq.entities.ner import tag_document

        document_tagger = tag_document
    document_tagger([["warm", "up"]], language)  # load the model outside the timing
    gold: list[list[Span]] = []
    pred: list[list[Span]] = []
    raw: list[list[Span]] = []
    n_tokens = 0
    elapsed = 0.0
    for lo in range(0, len(sents), max(1, block)):
        chunk = sents[lo : lo + max(1, block)]
        t0 = time.perf_counter()
        tagged = document_tagger([s.tokens for s in chunk], language)
        elapsed += time.perf_counter() - t0
        for sent, tags in zip(chunk, tagged, strict=True):
            n_tokens += len(sent.tokens)
            gold.append(spans(sent.tags))
            raw.append(spans(tags))
            if convention is not None:
                tags = convention(sent.tokens, tags)
            pred.append(spans(tags))
    result: dict[str, object] = {"language": language}
    result.update(score_spans(gold, pred))
    if convention is not None:
        unmapped = score_spans(gold, raw)
        result["convention"] = getattr(convention, "__name__", "mapped")
        result["unmapped"] = {k: unmapped[k] for k in ("precision", "recall", "f1", "fuzzy")}
    result["n_sentences"] = len(sents)
    result["n_tokens"] = n_tokens
    result["tokens_per_s"] = round(n_tokens / elapsed) if elapsed > 0 else 0
    return result


def evaluate_ner(path: Path, language: str) -> dict[str, object]:
    """Scores of the committed model for `language` on a labelled file."""
    path = Path(path)
    hipe = path.suffix.lower() == ".tsv"
    result = evaluate_sentences(
        read_labelled(path), language, convention=hipe_conventions if hipe else None
    )
    result["data"] = str(path)
    return result
