/*
 * msgfile_format: the layout of an Outlook .msg file (MS-OXMSG 2.2, 2.4)
 * as the reader (msgfile.c) and the writer (msgfile_write.c) both know it.
 *
 * Layout (MS-OXMSG 2.2, 2.4): the root storage holds __properties_version1.0
 * (a 32-byte header, then 16-byte entries: tag, flags, 8 value bytes),
 * __substg1.0_TTTTTTTT streams for variable-size values, one
 * __recip_version1.0_#NNNNNNNN storage per recipient (8-byte header),
 * __attach_version1.0_#NNNNNNNN storages, and __nameid_version1.0 with the
 * GUID (00020102), entry (00030102) and string (00040102) streams.
 * An attachment storage holds its properties (8-byte header) and, for an
 * embedded message or another object, the storage __substg1.0_3701000D
 * (an embedded message's property header is 24 bytes).
 */
#ifndef TRACKFIX_MSGFILE_FORMAT_H
#define TRACKFIX_MSGFILE_FORMAT_H

#define PROPS_STREAM "__properties_version1.0"
#define NAMEID_STORAGE "__nameid_version1.0"
#define RECIP_PREFIX "__recip_version1.0_#"
#define ATTACH_PREFIX "__attach_version1.0_#"
#define TOP_HEADER_SIZE 32
/* an embedded message's property stream: the top level's without its last 8 reserved bytes */
#define EMBEDDED_HEADER_SIZE 24
#define ROW_HEADER_SIZE 8
#define OBJECT_STORAGE "__substg1.0_3701000D"
/* messages inside messages deeper than this are refused as damaged */
#define EMBED_DEPTH_MAX 8
#define ENTRY_SIZE 16
/* Entry flags: PROPATTR_READABLE | PROPATTR_WRITABLE */
#define ENTRY_FLAGS 6
/* Named properties beyond this many entries cannot be addressed (0x8000-0xFFFE) */
#define NAMED_MAX 0x7fff
/* a .msg larger than this is refused rather than read into memory */
#define MSG_FILE_MAX (256u * 1024 * 1024)
/* the named-property hash buckets: streams __substg1.0_1000 to _101E */
#define NAME_BUCKETS 0x1F
/* GUID index 1 is PS_MAPI, 2 PS_PUBLIC_STRINGS, 3 and up the GUID stream */
#define GUID_INDEX_FIRST_STREAM 3

#endif
