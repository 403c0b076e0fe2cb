# dedup: LMDB for the index, xxHash for exact/band hashes.
LIBS_dedup := -llmdb -lxxhash
