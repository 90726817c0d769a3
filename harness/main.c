// SPDX-License-Identifier: MIT
#include "cli.h"

int main(int argc, char **argv)
{
	return boxcheck_main(argc, argv);
}
