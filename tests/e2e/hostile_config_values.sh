# Red team, issue 14 item 14: config values that used to pass silently.
# Every case must exit 3 with one line naming the FILE:LINE that set the
# value (an included file, not the default config).
. "$SRC/tests/lib.sh"
printf '{"text":"x"}\n' > doc.jsonl
check() { # NAME CONF EXPECTED-SUBSTRING
  "$DOCCLEAN" run -c "$2" -q -o out.jsonl doc.jsonl 2>err.txt; rc=$?
  [ $rc -eq 3 ] || fail "$1: exit $rc, want 3 ($(cat err.txt))"
  expect_contains err.txt "$3"
  [ "$(grep -c . err.txt)" -le 1 ] || fail "$1: more than one error line: $(cat err.txt)"
  [ ! -e out.jsonl ] || fail "$1: output written despite config error"
}
conf() { printf '[pipeline]\nstages = dedup, t2s\n[dedup]\nexact = true\n%s\n' "$1" > "$2"; }
for v in NaN nan inf -inf 1e999; do
  conf "threshold = $v" v.ini
  check "dedup threshold $v" v.ini "v.ini:5: [dedup] threshold: '$v' is not a finite number"
done
conf "threshold = -0.5" neg.ini
check "negative" neg.ini "neg.ini:5: [dedup] threshold: '-0.5' is out of range (0..1)"
conf "threshold = 1.5" big.ini
check "above 1" big.ini "big.ini:5: [dedup] threshold: '1.5' is out of range (0..1)"
conf "bands = 99999999999999999999" huge.ini
check "int overflow" huge.ini "huge.ini:5: [dedup] bands: '99999999999999999999' is out of range for a 64-bit integer"
printf '[pipeline]\nstages = t2s\n[t2s]\nthreshold = -1\n' > t2s.ini
check "t2s negative" t2s.ini "t2s.ini:4: [t2s] threshold: '-1' is out of range (0..1)"
# the quality-signal stages declare ranges too
printf '[pipeline]\nstages = quality\n[quality]\nmin_han_share = 1.5\n' > q.ini
check "quality share" q.ini "q.ini:4: [quality] min_han_share: '1.5' is out of range (0..1)"
printf '[pipeline]\nstages = pii\n[pii]\nmask_head = -1\n' > pii.ini
check "pii negative" pii.ini "pii.ini:4: [pii] mask_head: '-1' is out of range (0..)"
printf '[pipeline]\nstages = normalize\n[run]\njobs = -2\n' > jobs.ini
check "core option" jobs.ini "jobs.ini:4: [run] jobs: '-2' is out of range (0..)"
# the value comes from an include: name the include, not the including file
mkdir -p site
printf '[dedup]\nthreshold = 7\n' > site/over.ini
printf '[pipeline]\nstages = dedup\ninclude = site/over.ini\n[dedup]\nexact = true\n' > inc.ini
check "range in include" inc.ini "site/over.ini:2: [dedup] threshold: '7' is out of range (0..1)"
# a range check done by a plugin's create() names the setting, not the section's file
printf '[mojibake]\nwindow = 5000\n' > site/moji.ini
printf '[pipeline]\nstages = mojibake\n[mojibake]\ninclude = site/moji.ini\n' > moji.ini
check "plugin range in include" moji.ini "site/moji.ini:2: [mojibake] window: '5000' is out of range (1..1000)"
# include cycles: FILE:LINE of the include that closes the cycle
printf '[pipeline]\nstages = normalize\ninclude = b.ini\n' > a.ini
printf '; b\n[normalize]\ninclude = a.ini\n' > b.ini
check "include cycle" a.ini "b.ini:3: include of ./a.ini makes a cycle: a.ini -> ./b.ini -> ./a.ini"
printf '[pipeline]\nstages = normalize\ninclude = self.ini\n' > self.ini
check "self include" self.ini "self.ini:3: include of ./self.ini makes a cycle"
# a section that names nothing: a typo
printf '[pipeline]\nstages = dedup\n\n[dedupe]\nthreshold = 0.9\n' > typo.ini
check "section typo" typo.ini "typo.ini:4: [dedupe]: no stage, docclean section or installed plugin has this name (did you mean [dedup]?)"
printf '[pipeline]\nstages = normalize\n[rnu]\n' > empty-typo.ini
check "empty section typo" empty-typo.ini "empty-typo.ini:3: [rnu]: no stage, docclean section or installed plugin has this name (did you mean [run]?)"
# ...but a switched-off stage keeps its settings: no error
printf '[pipeline]\nstages = normalize\n[dedup]\nthreshold = 0.9\n[strict]\nplugin = boilerplate\n' > off.ini
"$DOCCLEAN" check-config -c off.ini > /dev/null 2>err.txt || fail "switched-off stage sections: $(cat err.txt)"
# inline comments: a hint on errors, a warning otherwise
conf "threshold = 0.9 ; stricter" c1.ini
check "inline ; comment" c1.ini "c1.ini:5: [dedup] threshold: '0.9 ; stricter' is not a number; a comment must be on a line of its own"
conf "threshold = 0.9 # stricter" c2.ini
check "inline # comment" c2.ini "a comment must be on a line of its own"
printf '[pipeline]\nstages = t2s\n[t2s]\nconfig = tw2s ; Taiwan\n' > c3.ini
"$DOCCLEAN" check-config -c c3.ini > /dev/null 2>err.txt
expect_contains err.txt "c3.ini:4: [t2s] config: 'tw2s ; Taiwan' is not one of the allowed values"
expect_contains err.txt "a comment must be on a line of its own"
# the README's configuration example is valid as printed
python3 - "$SRC/README.md" "$SRC/conf/default.ini" > readme.ini <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
block = text.split("## Configuration", 1)[1].split("Settings read later", 1)[0]
lines = [l[4:] for l in block.splitlines() if l.startswith("    ")]
out = "\n".join(lines).replace("/usr/local/share/docclean/conf/default.ini", sys.argv[2])
out = out.replace("state = /var/lib/docclean", "; state: not in a test").replace("plugin_path = plugins/", "")
print(out)
PY
"$DOCCLEAN" check-config -c readme.ini > cc.txt 2>err.txt || fail "README example config: $(cat err.txt)"
grep -q "comment" err.txt && fail "README example warns about comments: $(cat err.txt)"
# ...and so are the INI examples in the docs (boilerplate.md shows site profiles, its own format)
python3 - "$SRC" <<'PY' || fail "a docs INI example has an inline comment"
import glob, re, sys
bad = []
for f in glob.glob(sys.argv[1] + "/docs/**/*.md", recursive=True):
    if f.endswith("boilerplate.md"):
        continue
    for block in re.findall(r"```ini\n(.*?)```", open(f, encoding="utf-8").read(), re.S):
        bad += ["%s: %s" % (f, l) for l in block.splitlines() if re.match(r"^\s*[a-z_]+\s*=.*\s[;#]", l)]
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
echo ok
