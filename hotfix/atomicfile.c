/*
 * atomicfile: temp file, flush, rename.
 */
#include <string.h>

#include <windows.h>

#include "atomicfile.h"

BOOL atomicfile_names(const char *path, WCHAR *wpath, WCHAR *wtemp)
{
    int len = MultiByteToWideChar(CP_UTF8, 0, path, -1, wpath, MAX_PATH);

    if (!len || len + 4 > MAX_PATH) return FALSE;
    lstrcpyW(wtemp, wpath);
    lstrcatW(wtemp, L".tmp");
    return TRUE;
}

HRESULT atomicfile_commit(const WCHAR *temp, const WCHAR *path)
{
    HANDLE file = CreateFileW(temp, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    HRESULT hr = S_OK;

    if (file == INVALID_HANDLE_VALUE || !FlushFileBuffers(file)) hr = HRESULT_FROM_WIN32(GetLastError());
    if (file != INVALID_HANDLE_VALUE) CloseHandle(file);
    if (SUCCEEDED(hr) && !MoveFileExW(temp, path, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
        hr = HRESULT_FROM_WIN32(GetLastError());
    if (FAILED(hr)) DeleteFileW(temp);
    return hr;
}

HRESULT atomicfile_write(const char *path, const void *data, DWORD size)
{
    WCHAR wpath[MAX_PATH], wtemp[MAX_PATH];
    DWORD written = 0;
    HANDLE file;
    HRESULT hr = S_OK;

    if (!atomicfile_names(path, wpath, wtemp)) return HRESULT_FROM_WIN32(ERROR_FILENAME_EXCED_RANGE);
    file = CreateFileW(wtemp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (file == INVALID_HANDLE_VALUE) return HRESULT_FROM_WIN32(GetLastError());
    if (!WriteFile(file, data, size, &written, NULL)) hr = HRESULT_FROM_WIN32(GetLastError());
    else if (written != size) hr = HRESULT_FROM_WIN32(ERROR_WRITE_FAULT);
    CloseHandle(file);
    if (FAILED(hr))
    {
        DeleteFileW(wtemp);
        return hr;
    }
    return atomicfile_commit(wtemp, wpath);
}
