/* A test shared object that is not a docclean plugin (no descriptor). */
int not_a_plugin(void) { return 42; }
