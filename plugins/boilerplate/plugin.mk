# boilerplate: site profiles are INI (inih), rules are PCRE2 regexes, the
# scored detector's cue vocabulary is a Hyperscan/Vectorscan literal database.
LIBS_boilerplate := -linih -lpcre2-8 -lhs
