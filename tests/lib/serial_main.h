/* SPDX-License-Identifier: MIT */
/*
 * SERIAL_MAIN(): a test executable's main() that runs its tests one at a time
 * (Criterion runs them side by side by default); --jobs on the command line
 * still wins.  Say above it why the file needs it.
 */
#ifndef PROCTREE_TEST_SERIAL_MAIN_H
#define PROCTREE_TEST_SERIAL_MAIN_H

#include <criterion/criterion.h>

#define SERIAL_MAIN()                                                      \
	int main(int argc, char *argv[])                                   \
	{                                                                  \
		struct criterion_test_set *tests = criterion_initialize(); \
		int result = 0;                                            \
		criterion_options.jobs = 1;                                \
		if (criterion_handle_args(argc, argv, true))               \
			result = !criterion_run_all_tests(tests);          \
		criterion_finalize(tests);                                 \
		return result;                                             \
	}

#endif
