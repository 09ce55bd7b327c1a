/* SPDX-License-Identifier: BSD-3-Clause */
/* One wcnic-emu process: its configuration, files, layout and device. */
#ifndef EMU_H
#define EMU_H

#include "emu_config.h"
#include "emu_files.h"
#include "emu_guest_mem.h"
#include "emu_tap.h"
#include "wcnic_dma.h"
#include "wcnic_model.h"

struct emu {
	struct emu_config cfg;
	struct emu_file_map bar;
	struct emu_file_map ram;
	struct guest_mem_layout layout;
	struct emu_tap *tap;           /* tap back end; NULL for the others */
	struct wcnic_model *model;
	struct wcnic_dma_map dma;      /* large: kept last */
};

#endif /* EMU_H */
