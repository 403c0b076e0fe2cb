# boilerplate: site profiles are INI (inih), rules are PCRE2 regexes.
LIBS_boilerplate := -linih -lpcre2-8
