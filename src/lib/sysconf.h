/* The system configuration file this library was built to read
 * (AUTOSEAL_SYSCONF, default /etc/autoseal.conf), in section
 * .autoseal.sysconf where `autoseal probe` finds it. */
#ifndef AUTOSEAL_SYSCONF_H
#define AUTOSEAL_SYSCONF_H

extern const char as_sysconf_path[];

#endif
