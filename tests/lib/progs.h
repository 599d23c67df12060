/* SPDX-License-Identifier: MIT */
/* The programs under test, as built (BUILD_DIR comes from tests/CMakeLists.txt). */
#ifndef PROCTREE_TEST_PROGS_H
#define PROCTREE_TEST_PROGS_H

#define PROG_RECORD BUILD_DIR "/recorder/proctree-record"
#define PROG_RECONSTRUCT BUILD_DIR "/reconstruct/proctree-reconstruct"

#endif
