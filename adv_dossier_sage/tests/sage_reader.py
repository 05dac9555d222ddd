"""An independent reader of Sage 100's text import format, for the tests: it reads a file
back the way Sage's import reads it (CP850, CRLF, one field a line, flags on their own line)
and refuses what Sage would refuse. It shares no code with the writer."""

import re
from decimal import Decimal

FLAG = re.compile(r"^#[A-Z]{3,12}$")
SIZES = {"#MECG": 38, "#MRLT": 11}
MPCT_FIXED = 133


class SageFileError(AssertionError):
    pass


def _amount(value):
    if not re.fullmatch(r"-?\d+,\d{2}", value):
        raise SageFileError(f"not an amount with a decimal comma: {value!r}")
    return Decimal(value.replace(",", "."))


def read(data):
    """{'currency': 'EUR', 'accounts': [{code, name, collective, fields, accounts,
    terms}], 'entries': [{journal, date, piece, invoice, account, partner, label, due,
    sens, amount, reference, fields}]}"""
    if b"\r\n" not in data:
        raise SageFileError("no CRLF line ends")
    if re.search(rb"(?<!\r)\n", data) or re.search(rb"\r(?!\n)", data):
        raise SageFileError("a bare LF or CR")
    text = data.decode("cp850")
    if not text.endswith("\r\n"):
        raise SageFileError("the file does not end with a line end")
    lines = text[:-2].split("\r\n")
    if lines[:2] != ["#FLG 000", "#VER 31"] or not re.fullmatch(r"#DEV [A-Z]{3}", lines[2]):
        raise SageFileError(f"bad header {lines[:3]}")
    if lines[-1] != "#FIN":
        raise SageFileError("no #FIN at the end")
    result = {"currency": lines[2][5:], "accounts": [], "entries": []}
    body = lines[3:-1]
    index = 0
    while index < len(body):
        flag = body[index]
        if not FLAG.match(flag):
            raise SageFileError(f"line {index + 4}: a field where a flag was expected: {flag!r}")
        index += 1
        if flag == "#MPCT":
            fields = body[index : index + MPCT_FIXED]
            index += MPCT_FIXED
            attached = []
            while index < len(body) and not FLAG.match(body[index]):
                attached.append(body[index])
                index += 1
            if len(fields) != MPCT_FIXED or not attached:
                raise SageFileError("a #MPCT block is too short")
            result["accounts"].append(
                {
                    "code": fields[0],
                    "name": fields[1],
                    "type": fields[2],
                    "collective": fields[3],
                    "street": fields[7],
                    "zip": fields[9],
                    "city": fields[10],
                    "country": fields[12],
                    "vat": fields[16],
                    "siret": fields[17],
                    "payer": fields[31],
                    "email": fields[57],
                    "fields": fields,
                    "accounts": attached,
                    "terms": [],
                }
            )
        elif flag == "#MRLT":
            fields = body[index : index + SIZES[flag]]
            index += SIZES[flag]
            if not result["accounts"]:
                raise SageFileError("a #MRLT block outside a third-party account")
            result["accounts"][-1]["terms"].append(
                {
                    "method": int(fields[0]),
                    "condition": int(fields[1]),
                    "days": int(fields[2]),
                    "split_type": int(fields[9]),
                    "value": Decimal(fields[10].replace(",", ".")),
                }
            )
        elif flag == "#MECG":
            fields = body[index : index + SIZES[flag]]
            index += SIZES[flag]
            if len(fields) != SIZES[flag] or body[index] != "":
                raise SageFileError("a #MECG block without its 38 fields and empty line")
            index += 1
            for position, value in enumerate(fields, start=1):
                if FLAG.match(value):
                    raise SageFileError(f"#MECG field {position} reads as a flag: {value!r}")
            if fields[16] not in ("0", "1"):
                raise SageFileError(f"Sens {fields[16]!r}")
            for date_field in (fields[1], fields[2], fields[12]):
                if date_field and not re.fullmatch(r"\d{6}", date_field):
                    raise SageFileError(f"a date not in JJMMAA: {date_field!r}")
            if len(fields[3]) > 13 or len(fields[4]) > 17 or len(fields[10]) > 69:
                raise SageFileError(f"a field too long for Sage: {fields[3:5]}, {fields[10]}")
            result["entries"].append(
                {
                    "journal": fields[0],
                    "date": fields[1],
                    "piece": fields[3],
                    "invoice": fields[4],
                    "account": fields[6],
                    "partner": fields[8],
                    "label": fields[10],
                    "due": fields[12],
                    "sens": fields[16],
                    "amount": _amount(fields[17]),
                    "reference": fields[32],
                    "fields": fields,
                }
            )
        else:
            raise SageFileError(f"unexpected flag {flag}")
    return result


def balance_by_journal(entries):
    """{journal code: (debit, credit)} as Decimal."""
    totals = {}
    for entry in entries:
        debit, credit = totals.get(entry["journal"], (Decimal(0), Decimal(0)))
        if entry["sens"] == "0":
            debit += entry["amount"]
        else:
            credit += entry["amount"]
        totals[entry["journal"]] = (debit, credit)
    return totals
