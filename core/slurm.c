/*
 * slurm.c - the Slurm launcher (placeholder until the launcher lands).
 */
#include "slurm.h"

#include <stdio.h>

#include "core.h"

int dc_cmd_slurm(int argc, char **argv)
{
    (void)argc, (void)argv;
    fprintf(stderr, "docclean: slurm: not implemented yet; run `docclean run --shard I/N` per task "
                    "and `docclean merge OUT`\n");
    return DC_EXIT_USAGE;
}
