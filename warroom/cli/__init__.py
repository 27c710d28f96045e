"""The command line: everything people script or do outside the full screen.

Bad input is one line on stderr saying what and what to do, and exit status 2;
never a traceback (set WARROOM_DEBUG=1 to see one for an internal error).

One module per group of commands, each registering its subcommands with the
function that runs them; `main` puts them together. This package imports
nothing itself, so `warroom tail` (warroom.cli.logs) starts without the store.
"""
