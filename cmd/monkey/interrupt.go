package main

// exitInterrupted is the status of a piped session ended by Ctrl-C while
// it waited for input, as the shell reports a process killed by SIGINT.
const exitInterrupted = 130
