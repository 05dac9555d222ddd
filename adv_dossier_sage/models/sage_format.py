"""Writer of Sage 100 Comptabilite's text import format ("format Sage", #VER 31).

Followed: the field layout of Sage 100 Comptabilite's own documentation, version 12.25
(``#VER 31``), as extracted and checked against a real export of Sage's demonstration file
by the MIT project Melorio/format-sage (field lists of ``#MPCT``, ``#MRLT`` and ``#MECG``).
This module is our own code: it writes, it does not read.

The file: ``#FLG 000``, ``#VER 31``, ``#DEV <currency>``, then blocks, each a flag line followed
by one field a line (an empty field is an empty line, never an omitted one), ``#FIN``; CRLF
line ends, encoded in CP850 (the DOS code page Sage 100 reads and writes).

* ``#MPCT`` (third-party account): 133 fixed fields then one line per attached general account
  (the collective account, 411...); followed by its ``#MRLT`` blocks (payment terms, 11 fields).
* ``#MECG`` (general entry line): 38 fields then one empty line. One block a journal item:
  Sens 0 = debit, 1 = credit; amounts with a decimal comma.
"""

import re

ENCODING = "cp850"
EOL = b"\r\n"
MPCT_FIELDS = 133
MRLT_FIELDS = 11
MECG_FIELDS = 38

# characters CP850 lacks that French text often holds (typographic quotes, dashes, the
# euro sign, oe ligatures), written as Sage users would type them
_TRANSLITERATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": ",",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u202f": " ",
        "\u20ac": "EUR",
        "\u0153": "oe",
        "\u0152": "OE",
    }
)
_SPACES = re.compile(r"[\s]+")
CODE_PATTERN = re.compile(r"^[A-Z0-9]{1,17}$")


def text(value, length):
    """One field of text: one line, at most ``length`` characters, no leading ``#`` (a line
    starting with ``#`` would read as a flag)."""
    if not value:
        return ""
    value = _SPACES.sub(" ", str(value).translate(_TRANSLITERATION)).strip().lstrip("#").strip()
    return value[:length]


def date6(value):
    """A date as Sage writes it: JJMMAA (empty when there is none)."""
    return value.strftime("%d%m%y") if value else ""


def amount(cents, decimals=2):
    """An amount in cents (integer) written with a decimal comma: 1234,50."""
    sign = "-" if cents < 0 else ""
    cents = abs(int(cents))
    whole, part = divmod(cents, 100)
    return f"{sign}{whole},{part:02d}" + "0" * (decimals - 2)


def rate(value, decimals=4):
    """A rate or a quantity with a decimal comma and ``decimals`` places: 30,0000."""
    return f"{value:.{decimals}f}".replace(".", ",")


class SageWriter:
    """Writes the Sage file to a binary stream (a file), block by block: nothing is held in
    memory beyond the current block."""

    def __init__(self, stream, currency="EUR", version="31"):
        self.stream = stream
        self.blocks = 0
        stream.write(self._encode(["#FLG 000", f"#VER {version}", f"#DEV {currency}"]))

    @staticmethod
    def _encode(lines):
        # a character CP850 cannot write becomes "?": the file always opens in Sage
        return ("\r\n".join(lines) + "\r\n").encode(ENCODING, "replace")

    def _block(self, flag, fields, expected, trailer=()):
        if len(fields) != expected:
            raise ValueError(f"{flag}: {len(fields)} fields instead of {expected}")
        for field in fields:
            if "\r" in field or "\n" in field:
                raise ValueError(f"{flag}: a field holds a line break: {field!r}")
        self.stream.write(self._encode([flag, *fields, *trailer]))
        self.blocks += 1

    def third_party(self, fields, accounts, payment_terms=()):
        """``#MPCT``: its 133 fields, the attached general accounts, then one ``#MRLT`` per
        payment term line (11 fields each)."""
        if not accounts:
            raise ValueError("#MPCT: a third-party account needs its collective account")
        self._block("#MPCT", list(fields), MPCT_FIELDS, trailer=list(accounts))
        for term in payment_terms:
            self._block("#MRLT", list(term), MRLT_FIELDS)

    def entry_line(self, fields):
        """``#MECG``: its 38 fields and the empty separating line."""
        self._block("#MECG", list(fields), MECG_FIELDS, trailer=[""])

    def close(self):
        self.stream.write(self._encode(["#FIN"]))


def third_party_fields(
    code,
    name,
    collective,
    street="",
    street2="",
    zip_code="",
    city="",
    state="",
    country="",
    vat="",
    siret="",
    phone="",
    email="",
    website="",
    created=None,
    individual=False,
):
    """The 133 fixed fields of ``#MPCT`` for a customer (type 0). The fields Sage reserves to
    its commercial management, its bank and its e-invoicing carry the values of a new
    customer in Sage's own export."""
    fields = [""] * MPCT_FIELDS

    def put(position, value):
        fields[position - 1] = value

    put(1, code)  # Numero compte tiers (17, upper case)
    put(2, text(name, 69))  # Intitule
    put(3, "0")  # Type: 0 client
    put(4, collective)  # Numero compte general principal (collectif)
    put(6, text(name, 17))  # Abrege
    put(8, text(street, 35))  # Adresse
    put(9, text(street2, 35))  # Complement
    put(10, text(zip_code, 9))  # Code postal
    put(11, text(city, 35))  # Ville
    put(12, text(state, 25))  # Code region
    put(13, text(country, 35))  # Pays
    put(15, "0")  # Numero devise: none (the accounting currency)
    put(17, text(vat, 25))  # Identifiant (VAT number)
    put(18, text(siret, 14))  # Siret
    for position in (30, 31):  # Encours, Plafond assurance credit
        put(position, "0,00")
    put(32, code)  # Numero compte tiers payeur: itself
    for position in (33, 34):  # Code risque, Categorie tarifaire
        put(position, "1")
    for position in (35, 36, 37, 38):  # Montant taux x4
        put(position, "0,0000")
    for position in (39, 40, 41):  # Categorie comptable, Periodicite, Nombre de factures
        put(position, "1")
    for position in (42, 43):  # Un BL par facture, Langue
        put(position, "0")
    for position in (45, 46, 47, 48):  # Expedition, Condition, Saut lignes, Option lettrage
        put(position, "1")
    for position in (49, 50, 51):  # Validation echeances, Mise en sommeil, Controle encours
        put(position, "0")
    put(52, date6(created))  # Date de creation (not imported)
    for position in (53, 54):  # Hors rappel/releve, Numero analytique
        put(position, "0")
    put(56, text(phone, 21))  # Telephone
    put(58, text(email, 69))  # Adresse eMail
    put(59, text(website, 69))  # Site
    put(61, "0")  # Place sous surveillance
    for position in (65, 66):  # Chiffre d'affaires, Resultat net
        put(position, "0,0000")
    for position in (67, 69, 75, 76, 78, 79, 81, 85, 91, 92, 95, 98, 99, 101):
        put(position, "0")
    for position in (102, 108):  # Compte rendu rapprochement / annulation
        put(position, "1")
    for position in (104, 105, 106, 111):
        put(position, "0")
    for position in range(112, 117):  # Jours de commande: Monday to Friday
        put(position, "1")
    for position in (117, 118):
        put(position, "0")
    for position in range(119, 124):  # Jours de livraison: Monday to Friday
        put(position, "1")
    for position in (124, 125):
        put(position, "0")
    put(126, "Calendrier standard")  # Calendrier
    put(127, "1" if individual else "0")  # Assujettissement: 1 private person
    for position in (128, 130, 131, 132):
        put(position, "0")
    return fields


def payment_term_fields(method, condition, days, split_type, split_value):
    """The 11 fields of ``#MRLT``: payment method number (position in Sage's table),
    condition (0 net days, 1 end of calendar month, 2 end of month), days, 6 x "day of the
    month" (none), split type (0 percentage, 1 balance, 2 amount) and value."""
    return [
        str(method),
        str(condition),
        str(days),
        *(["0"] * 6),
        str(split_type),
        rate(split_value),
    ]


def entry_line_fields(
    journal,
    date,
    piece,
    invoice,
    account,
    partner_code,
    label,
    due_date,
    debit_cents,
    credit_cents,
    payment_method=0,
    reference="",
):
    """The 38 fields of ``#MECG`` for one journal item (debit or credit, never both)."""
    if debit_cents and credit_cents:
        raise ValueError("#MECG: a line is either a debit or a credit")
    return [
        journal,  # 1 Code journal
        date6(date),  # 2 Date de piece
        date6(date),  # 3 Date de saisie
        piece,  # 4 Piece (13)
        invoice,  # 5 Numero facture (17)
        "",  # 6 Piece tresorerie
        account,  # 7 Numero compte general
        "",  # 8 Compte general contrepartie (not used to balance)
        partner_code,  # 9 Numero compte tiers
        "",  # 10 Compte tiers contrepartie
        text(label, 69),  # 11 Intitule
        str(payment_method),  # 12 Numero reglement
        date6(due_date),  # 13 Echeance
        "0,000000",  # 14 Parite
        "0,00",  # 15 Quantite
        "0",  # 16 Numero devise (amounts in the accounting currency)
        "1" if credit_cents else "0",  # 17 Sens: 0 debit, 1 credit
        amount(credit_cents or debit_cents),  # 18 Montant
        "",  # 19 Numero lettrage
        "",  # 20 Numero pointage
        "",  # 21 Numero lettrage quantite
        "0",  # 22 Nombre de rappels
        "0",  # 23 Type a-nouveau: normal
        "0",  # 24 Type revision
        "",  # 25 Montant devise
        "",  # 26 Code taxe
        "0",  # 27 Norme: both
        "0",  # 28 Provenance
        "0",  # 29 Type penalites
        "",  # 30 Date penalites
        "",  # 31 Date relance
        "",  # 32 Date rapprochement
        text(reference, 17),  # 33 Reference
        "0",  # 34 Statut reglement
        "0,00",  # 35 Montant regle
        "",  # 36 Date operation
        "",  # 37 Date cloture
        "0",  # 38 Export rapprochement
    ]
