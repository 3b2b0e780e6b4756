/*
 * cmocka_wine: includes cmocka.h the way a winegcc build needs it.
 * Wine's headers and cmocka both want uintptr_t; defining
 * _UINTPTR_T_DEFINED after <stdint.h> keeps cmocka from redefining it.
 * Each test's main ends with "return leakcheck_at_exit(...)" (leakcheck.h).
 */
#ifndef TRACKFIX_CMOCKA_WINE_H
#define TRACKFIX_CMOCKA_WINE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#define _UINTPTR_T_DEFINED
#include <setjmp.h>
#include <cmocka.h>

#include "leakcheck.h"

#endif
