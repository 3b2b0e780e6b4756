/*
 * memlockbytes: an ILockBytes over a growable buffer in memory.
 */
#include <stdlib.h>
#include <string.h>

#define COBJMACROS
#include "memlockbytes.h"

/* ole32 cannot address more than this in a version 3 file anyway */
#define MEMLOCKBYTES_MAX 0x7fffffffu

struct memlockbytes
{
    ILockBytes ILockBytes_iface;
    LONG refs;
    BYTE *data;
    ULONG size, capacity;
};

static struct memlockbytes *impl(ILockBytes *iface)
{
    return CONTAINING_RECORD(iface, struct memlockbytes, ILockBytes_iface);
}

/* Makes room for SIZE bytes, zero-filling what is new. */
static HRESULT reserve(struct memlockbytes *m, ULONGLONG size)
{
    ULONG capacity = m->capacity ? m->capacity : 65536;
    BYTE *grown;

    if (size > MEMLOCKBYTES_MAX) return STG_E_MEDIUMFULL;
    if (size <= m->capacity) return S_OK;
    while (capacity < size) capacity = capacity > MEMLOCKBYTES_MAX / 2 ? MEMLOCKBYTES_MAX : capacity * 2;
    if (!(grown = realloc(m->data, capacity))) return E_OUTOFMEMORY;
    memset(grown + m->capacity, 0, capacity - m->capacity);
    m->data = grown;
    m->capacity = capacity;
    return S_OK;
}

static HRESULT WINAPI mlb_QueryInterface(ILockBytes *iface, REFIID riid, void **out)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_ILockBytes))
    {
        *out = iface;
        ILockBytes_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI mlb_AddRef(ILockBytes *iface)
{
    return InterlockedIncrement(&impl(iface)->refs);
}

static ULONG WINAPI mlb_Release(ILockBytes *iface)
{
    struct memlockbytes *m = impl(iface);
    ULONG refs = InterlockedDecrement(&m->refs);

    if (!refs)
    {
        free(m->data);
        free(m);
    }
    return refs;
}

static HRESULT WINAPI mlb_ReadAt(ILockBytes *iface, ULARGE_INTEGER offset, void *buffer, ULONG count, ULONG *read)
{
    struct memlockbytes *m = impl(iface);
    ULONG got = 0;

    if (offset.QuadPart < m->size)
    {
        got = m->size - (ULONG)offset.QuadPart;
        if (got > count) got = count;
        memcpy(buffer, m->data + offset.QuadPart, got);
    }
    if (read) *read = got;
    return S_OK;
}

static HRESULT WINAPI mlb_WriteAt(ILockBytes *iface, ULARGE_INTEGER offset, const void *buffer, ULONG count,
                                  ULONG *written)
{
    struct memlockbytes *m = impl(iface);
    ULONGLONG end = offset.QuadPart + count;
    HRESULT hr;

    if (written) *written = 0;
    if (FAILED(hr = reserve(m, end))) return hr;
    memcpy(m->data + offset.QuadPart, buffer, count);
    if (end > m->size) m->size = (ULONG)end;
    if (written) *written = count;
    return S_OK;
}

static HRESULT WINAPI mlb_Flush(ILockBytes *iface)
{
    (void)iface;
    return S_OK;
}

static HRESULT WINAPI mlb_SetSize(ILockBytes *iface, ULARGE_INTEGER size)
{
    struct memlockbytes *m = impl(iface);
    HRESULT hr;

    if (FAILED(hr = reserve(m, size.QuadPart))) return hr;
    /* what a shrink cut off reads as zeros if the file grows again */
    if (size.QuadPart < m->size) memset(m->data + size.QuadPart, 0, m->size - (ULONG)size.QuadPart);
    m->size = (ULONG)size.QuadPart;
    return S_OK;
}

static HRESULT WINAPI mlb_LockRegion(ILockBytes *iface, ULARGE_INTEGER offset, ULARGE_INTEGER count, DWORD type)
{
    (void)iface, (void)offset, (void)count, (void)type;
    return STG_E_INVALIDFUNCTION;
}

static HRESULT WINAPI mlb_UnlockRegion(ILockBytes *iface, ULARGE_INTEGER offset, ULARGE_INTEGER count, DWORD type)
{
    (void)iface, (void)offset, (void)count, (void)type;
    return STG_E_INVALIDFUNCTION;
}

static HRESULT WINAPI mlb_Stat(ILockBytes *iface, STATSTG *stat, DWORD flags)
{
    (void)flags;
    memset(stat, 0, sizeof(*stat));
    stat->type = STGTY_LOCKBYTES;
    stat->cbSize.QuadPart = impl(iface)->size;
    return S_OK;
}

static ILockBytesVtbl memlockbytes_vtbl = {
    mlb_QueryInterface, mlb_AddRef, mlb_Release, mlb_ReadAt, mlb_WriteAt,
    mlb_Flush, mlb_SetSize, mlb_LockRegion, mlb_UnlockRegion, mlb_Stat,
};

HRESULT memlockbytes_create(ILockBytes **out)
{
    struct memlockbytes *m = calloc(1, sizeof(*m));

    *out = NULL;
    if (!m) return E_OUTOFMEMORY;
    m->ILockBytes_iface.lpVtbl = &memlockbytes_vtbl;
    m->refs = 1;
    *out = &m->ILockBytes_iface;
    return S_OK;
}

const BYTE *memlockbytes_data(ILockBytes *bytes, ULONG *size)
{
    struct memlockbytes *m = impl(bytes);

    *size = m->size;
    return m->data;
}
