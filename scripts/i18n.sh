#!/usr/bin/env bash
# make i18n: regenerate credit_management/i18n/credit_management.pot with Odoo's own export
# (`odoo-bin i18n export`, from a fresh database without demo data, dropped at the end), merge
# it into every <lang>.po keeping the existing translations, then check that Odoo loads them.
# A file whose only change would be a header date is left untouched, so re-running without
# code changes leaves `git diff` clean.
source "$(dirname "$0")/lib.sh"

MODULE=credit_management
I18N="$ROOT/$MODULE/i18n"
LANGS=(fr)   # ISO codes of the .po files in i18n/ (fr -> fr.po, loaded as fr_FR)

bootstrap
DB="cm_i18n_$(date +%Y%m%d%H%M%S)_$$"
DROPDB=$(pg_bin dropdb)
TMP=$(mktemp -d)
cleanup() {
    "$DROPDB" --if-exists --force "$DB" >/dev/null 2>&1 || true
    rm -rf "$TMP"
}
trap cleanup EXIT

# Odoo 19 installs without demo data unless --with-demo is given.
say "installing $MODULE without demo data in $DB"
"${ODOO_BIN[@]}" -c "$CONF" -d "$DB" -i "$MODULE" --stop-after-init \
    --log-level=warn >"$CACHE/i18n-install.log" 2>&1 \
    || { tail -40 "$CACHE/i18n-install.log"; die "installation failed, see .cache/i18n-install.log"; }

say "exporting the template with odoo-bin i18n export"
"${ODOO_BIN[@]}" i18n export -c "$CONF" -d "$DB" -o "$TMP/$MODULE.pot" "$MODULE" \
    >"$CACHE/i18n-export.log" 2>&1 && [ -s "$TMP/$MODULE.pot" ] \
    || { tail -40 "$CACHE/i18n-export.log"; die "the export failed, see .cache/i18n-export.log"; }

# Merge by msgid, like `msgmerge --previous` but with polib (an Odoo requirement, so always in
# the venv): exact matches keep their translation (and fuzzy flag); a new msgid close to one
# that disappeared gets that translation as a fuzzy suggestion; the rest is left empty.
say "updating i18n/$MODULE.pot and ${LANGS[*]/%/.po}"
mkdir -p "$I18N"
"$PY" - "$TMP/$MODULE.pot" "$I18N" "${LANGS[@]}" <<'PY'
import difflib
import re
import sys
from pathlib import Path

import polib

PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);"}
KEPT_HEADERS = ("PO-Revision-Date", "Last-Translator", "Language-Team", "Plural-Forms")
pot_text = Path(sys.argv[1]).read_text(encoding="utf-8")
i18n, langs = Path(sys.argv[2]), sys.argv[3:]


def without_dates(text):
    return re.sub(r'^"(POT-Creation|PO-Revision)-Date: .*\n', "", text, flags=re.M)


def write(path, text):
    old = path.read_text(encoding="utf-8") if path.exists() else None
    if old is None or without_dates(old) != without_dates(text):
        path.write_text(text, encoding="utf-8")
        return "updated"
    return "unchanged"


print(f"  {i18n.parent.name}.pot: {write(i18n / f'{i18n.parent.name}.pot', pot_text)}")
for lang in langs:
    path = i18n / f"{lang}.po"
    old = polib.pofile(str(path)) if path.exists() else polib.POFile()
    po = polib.pofile(pot_text)
    po.header = old.header or po.header
    po.metadata["Language"] = lang
    po.metadata["Plural-Forms"] = PLURAL_FORMS.get(lang, "")
    po.metadata.update({k: old.metadata[k] for k in KEPT_HEADERS if old.metadata.get(k)})
    known = {e.msgid: e for e in old if e.msgstr and not e.obsolete}
    gone = [msgid for msgid in known if po.find(msgid) is None]
    for entry in po:
        match = known.get(entry.msgid)
        if match is None:
            close = difflib.get_close_matches(entry.msgid, gone, n=1, cutoff=0.8)
            if not close:
                continue
            match = known[close[0]]
            entry.previous_msgid = match.msgid
            entry.flags.append("fuzzy")
        elif "fuzzy" in match.flags:
            entry.flags.append("fuzzy")
            entry.previous_msgid = match.previous_msgid
        entry.msgstr = match.msgstr
    state = write(path, str(po))
    todo = len(po.untranslated_entries()) + len(po.fuzzy_entries())
    print(
        f"  {lang}.po: {state}; {len(po)} entries, {len(po.translated_entries())} translated, "
        f"{len(po.fuzzy_entries())} fuzzy, {len(po.untranslated_entries())} untranslated"
        + (f" -> {todo} to translate" if todo else "")
    )
    for msgid in gone:
        print(f"    dropped (source gone): {msgid[:70]!r}")
PY

say "checking that Odoo loads ${LANGS[*]/%/.po} without warnings"
for lang in "${LANGS[@]}"; do
    log="$CACHE/i18n-load-$lang.log"
    "${ODOO_BIN[@]}" i18n loadlang -c "$CONF" -d "$DB" -l "$lang" >"$log" 2>&1 \
        || { tail -40 "$log"; die "odoo-bin i18n loadlang $lang failed, see .cache/${log##*/}"; }
    # loadlang read every module's file: reload ours alone, so that any warning is about it.
    "${ODOO_BIN[@]}" i18n import -c "$CONF" -d "$DB" -l "$lang" -w "$I18N/$lang.po" >"$log" 2>&1 \
        || { tail -40 "$log"; die "odoo-bin i18n import $lang.po failed, see .cache/${log##*/}"; }
    ! grep -E " (WARNING|ERROR|CRITICAL) " "$log" || die "Odoo complained about $lang.po, see .cache/${log##*/}"
done
say "done"
