#!/bin/sh
# Started by gdb (stop_at_exit.py): exec the program under autoseal, with
# the redirections the test asked for.  This shell itself runs without
# LD_PRELOAD; the program replaces it (seals do not survive execve anyway).
LD_PRELOAD="$COMPAT_PRELOAD" AUTOSEAL_OPTIONS="$COMPAT_OPTS" exec "$@" <"$COMPAT_IN" >"$COMPAT_OUT" 2>"$COMPAT_ERR"
