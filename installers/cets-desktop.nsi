; NSIS installer for the one-folder PyInstaller build (makensis installers/cets-desktop.nsi).
; Per-user install (no administrator rights: enterprise PCs are often locked down).
Unicode true
!include "MUI2.nsh"
!define APPNAME "cets-desktop"
!define APPTITLE "全国碳市场填报助手"
!ifndef VERSION
  !define VERSION "0.1.0"
!endif
Name "${APPTITLE}"
OutFile "..\dist\cets-desktop-${VERSION}-Setup.exe"
InstallDir "$LOCALAPPDATA\Programs\${APPNAME}"
RequestExecutionLevel user
SetCompressor /SOLID lzma
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

Section "Install"
  SetOutPath "$INSTDIR"
  File /r "..\dist\cets-desktop\*.*"
  CreateDirectory "$SMPROGRAMS\${APPTITLE}"
  CreateShortcut "$SMPROGRAMS\${APPTITLE}\${APPTITLE}.lnk" "$INSTDIR\cets-desktop.exe" "gui"
  CreateShortcut "$DESKTOP\${APPTITLE}.lnk" "$INSTDIR\cets-desktop.exe" "gui"
  WriteUninstaller "$INSTDIR\Uninstall.exe"
  WriteRegStr HKCU "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPNAME}" "DisplayName" "${APPTITLE}"
  WriteRegStr HKCU "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPNAME}" "UninstallString" "$INSTDIR\Uninstall.exe"
  WriteRegStr HKCU "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPNAME}" "DisplayVersion" "${VERSION}"
SectionEnd

Section "Uninstall"
  ; The workspace lives in %LOCALAPPDATA%\cets-desktop and is deliberately kept: it holds the user's data.
  RMDir /r "$INSTDIR"
  Delete "$DESKTOP\${APPTITLE}.lnk"
  RMDir /r "$SMPROGRAMS\${APPTITLE}"
  DeleteRegKey HKCU "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPNAME}"
SectionEnd
