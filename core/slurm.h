/*
 * slurm.h - `docclean slurm submit|status|resume`: run a config over a
 * cluster as Slurm job arrays (see docs/scale-out.md).
 */
#ifndef DC_SLURM_H
#define DC_SLURM_H

int dc_cmd_slurm(int argc, char **argv);

#endif
