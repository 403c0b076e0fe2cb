# quality: line hashes use XXH3 (libxxhash, already a core dependency).
LIBS_quality := -lxxhash
