/*
 * sample_text: a message in msgtext's form with a value of every type it
 * writes (strings with escapes, ANSI text, integers of each size, a
 * double, a time, a GUID, binary, lists, named properties by LID and by
 * name) and two recipient rows.  test_msgfile round-trips it through a
 * .msg; test_faults fails every call of that round trip.
 */
#ifndef TRACKFIX_TESTS_SAMPLE_TEXT_H
#define TRACKFIX_TESTS_SAMPLE_TEXT_H

static const char sample_text[] =
    "[message]\n"
    "PR_MESSAGE_CLASS = \"IPM.Schedule.Meeting.Request\"\n"
    "PR_SUBJECT = \"Caf\xc3\xa9 \\\"review\\\"\\r\\n\"\n"
    "PR_MESSAGE_FLAGS = -5\n"
    "PR_RTF_IN_SYNC = true\n"
    "0x00360002 = -2\n"
    "0x10800014 = -9000000000\n"
    "0x00390005 = 0.10000000000000001\n"
    "PR_INTERNET_CPID = 65001\n"
    "0x0E1E001E = \"ANSI \\xe9t\\xe9\"\n"
    "PR_RECORD_KEY = 00ff10\n"
    "0x0E590048 = {6ED8DA90-450B-101B-98DA-00AA003F1305}\n"
    "0x6000101F = [\"a\", \"\", \"c\"]\n"
    "PidLidGlobalObjectId = 040000008200e00074c5b7101a82e008\n"
    "PidLidAppointmentStartWhole = 2007-08-10T14:00:00Z\n"
    "PidLidLocation = \"Room 2\"\n"
    "PidNameKeywords = [\"x\", \"y\"]\n"
    "named:{00020329-0000-0000-C000-000000000046}:\"x-trackfix-note\":PT_MV_UNICODE = [\"z\"]\n"
    "PidLidAppointmentSubType = false\n"
    "named:{00062008-0000-0000-C000-000000000046}:0x8580:PT_MV_BINARY = [01, , 0203]\n"
    "\n"
    "[recipient]\n"
    "PR_DISPLAY_NAME = \"Adam Attendee\"\n"
    "PR_RECIPIENT_TYPE = 1\n"
    "PR_RECIPIENT_TRACKSTATUS = 3\n"
    "PR_RECIPIENT_TRACKSTATUS_TIME = 1601-01-01T00:00:00Z\n"
    "\n"
    "[recipient]\n"
    "PR_DISPLAY_NAME = \"\"\n"
    "PidLidLocation = \"per row\"\n";

#endif
