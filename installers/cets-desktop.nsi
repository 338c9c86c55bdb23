; NSIS installer for the one-folder PyInstaller bundle (installers/cets-desktop.spec).
;
;   python installers/nsis_file_list.py BUNDLE build/nsis          (file lists, from the bundle)
;   makensis /INPUTCHARSET UTF8 /DVERSION=0.1.0 /DBUNDLE=BUNDLE /DLISTS=build/nsis /DOUTFILE=Setup.exe installers/cets-desktop.nsi
;
; Safety rules (issue 12):
; - Per-user, no administrator rights, into a fixed folder of its own:
;   %LOCALAPPDATA%\Programs\cets-desktop. There is no folder page, and /D= is ignored.
; - The uninstaller deletes only the files this installer wrote (a list compiled into it) and
;   removes folders with plain RMDir, which leaves any folder that still holds something else.
;   It refuses to run from any other folder. There is no "RMDir /r $INSTDIR" anywhere.
; - The user's workspaces (%LOCALAPPDATA%\cets-desktop) are kept unless the user ticks the
;   component that removes them (or passes /REMOVEDATA to a silent uninstall).
; - An upgrade closes the running app (asking first), then runs the previous version's own
;   uninstaller so that no stale file of the old version is left behind.
Unicode true
ManifestDPIAware true
!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"

!define APPNAME "cets-desktop"
!define APPTITLE "全国碳市场填报助手"
!define PUBLISHER "cets-desktop 开源项目"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPNAME}"
!define GUI_EXE "cets-desktop.exe"
!define CLI_EXE "cets-desktop-cli.exe"
!define RUNNING_MUTEX "Local\cets-desktop-running"
; Marker of this installer generation: its uninstaller removes only listed files, so an upgrade may run it.
!define LAYOUT "file-list-1"
!define MARKER "cets-desktop.install"
!define WORKSPACE_EXT ".cetsdb"
!define WORKSPACE_PROGID "cets-desktop.workspace"
!define DATA_DIR "$LOCALAPPDATA\${APPNAME}"

!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!ifndef VERSION4
  !define VERSION4 "${VERSION}.0"
!endif
!ifndef BUNDLE
  !define BUNDLE "..\dist\cets-desktop"
!endif
!ifndef LISTS
  !define LISTS "..\build\nsis"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\dist\cets-desktop-${VERSION}-Setup.exe"
!endif

Name "${APPTITLE} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APPNAME}"
RequestExecutionLevel user
!ifdef NO_COMPRESSION
  ; Linux CI only compiles the script to check it (and the bundle it lists): no time spent on LZMA.
  SetCompress off
!else
  SetCompressor /SOLID lzma
!endif
ShowInstDetails show
ShowUninstDetails show
BrandingText "${APPTITLE} ${VERSION}"

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=2052 "ProductName" "${APPTITLE}"
VIAddVersionKey /LANG=2052 "FileDescription" "${APPTITLE} 安装程序"
VIAddVersionKey /LANG=2052 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=2052 "LegalCopyright" "Apache-2.0"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"

!define MUI_ICON "cets-desktop.ico"
!define MUI_UNICON "cets-desktop.ico"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TITLE "安装 ${APPTITLE} ${VERSION}"
!define MUI_WELCOMEPAGE_TEXT "本程序将安装到您的用户文件夹：$\r$\n$LOCALAPPDATA\Programs\${APPNAME}$\r$\n$\r$\n不需要管理员权限。已有的工作区（填报数据和支撑材料）不会被改动。$\r$\n$\r$\n如果程序正在运行，安装程序会先请您确认后将其关闭。"
!define MUI_FINISHPAGE_RUN "$INSTDIR\${GUI_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "立即启动 ${APPTITLE}"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!define MUI_COMPONENTSPAGE_TEXT_TOP "默认只删除程序文件。您的工作区（填报数据、支撑材料、备份）会保留；勾选下面一项才会一并删除。"
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

; ---------------------------------------------------------------------------------------------
; Is the app running (this user's session)? $R9 = 1 if so.
!macro _IsRunning UN
Function ${UN}IsRunning
  Push $0
  Push $1
  StrCpy $R9 0
  System::Call 'kernel32::OpenMutexW(i 0x00100000, i 0, w "${RUNNING_MUTEX}") p .r0'
  ${If} $0 != 0
    System::Call 'kernel32::CloseHandle(p r0)'
    StrCpy $R9 1
  ${Else}
    ; Versions without the mutex: ask the task list (this user's processes only).
    ReadEnvStr $1 USERNAME
    nsExec::ExecToStack 'tasklist /NH /FI "IMAGENAME eq ${GUI_EXE}" /FI "USERNAME eq $1"'
    Pop $0 ; exit code
    Pop $0 ; output
    Push $0
    Push "${GUI_EXE}"
    Call ${UN}StrContains
    Pop $0
    ${If} $0 == 1
      StrCpy $R9 1
    ${EndIf}
  ${EndIf}
  Pop $1
  Pop $0
FunctionEnd

; Push haystack, push needle; pops 1 if the needle occurs in the haystack, else 0.
Function ${UN}StrContains
  Exch $1 ; needle
  Exch
  Exch $0 ; haystack
  Push $2
  Push $3
  Push $4
  StrLen $2 $1
  StrCpy $3 0
  StrCpy $4 0
  ${Do}
    StrCpy $R8 $0 $2 $3
    ${If} $R8 == ""
      ${ExitDo}
    ${EndIf}
    ${If} $R8 == $1
      StrCpy $4 1
      ${ExitDo}
    ${EndIf}
    IntOp $3 $3 + 1
  ${Loop}
  StrCpy $0 $4
  Pop $4
  Pop $3
  Pop $2
  Pop $1
  Exch $0
FunctionEnd

; Close the running app: ask, then a normal close (the app keeps its autosaved draft), then force.
; $R9 = 2 when the user declined (the caller aborts), else 0.
Function ${UN}CloseRunningApp
  Call ${UN}IsRunning
  ${If} $R9 == 1
    MessageBox MB_OKCANCEL|MB_ICONEXCLAMATION "${APPTITLE} 正在运行。$\r$\n$\r$\n点“确定”关闭程序后继续（正在编辑的内容已自动保存为草稿）；点“取消”退出。" /SD IDOK IDOK close
    StrCpy $R9 2
    Return
    close:
    ReadEnvStr $1 USERNAME
    nsExec::Exec 'taskkill /FI "USERNAME eq $1" /IM ${GUI_EXE}'
    Pop $0
    StrCpy $2 0
    ${Do}
      Sleep 500
      Call ${UN}IsRunning
      IntOp $2 $2 + 1
      ${If} $R9 == 0
      ${OrIf} $2 >= 20
        ${ExitDo}
      ${EndIf}
    ${Loop}
    ${If} $R9 == 1
      nsExec::Exec 'taskkill /F /FI "USERNAME eq $1" /IM ${GUI_EXE}'
      Pop $0
      Sleep 1000
    ${EndIf}
    nsExec::Exec 'taskkill /F /FI "USERNAME eq $1" /IM ${CLI_EXE}'
    Pop $0
    StrCpy $R9 0
  ${EndIf}
FunctionEnd
!macroend
!insertmacro _IsRunning ""
!insertmacro _IsRunning "un."

; ---------------------------------------------------------------------------------------------
Function .onInit
  SetShellVarContext current
  ; The folder is fixed: a /D= on the command line must not redirect the install (and later the
  ; uninstall) into a folder that holds other things.
  StrCpy $INSTDIR "$LOCALAPPDATA\Programs\${APPNAME}"
  Call CloseRunningApp
  ${If} $R9 == 2
    Abort
  ${EndIf}
FunctionEnd

Function RemovePreviousVersion
  ReadRegStr $0 HKCU "${UNINST_KEY}" "InstallLayout"
  ${If} $0 == "${LAYOUT}"
  ${AndIf} ${FileExists} "$INSTDIR\Uninstall.exe"
  ${AndIf} ${FileExists} "$INSTDIR\${MARKER}"
    DetailPrint "正在移除旧版本的程序文件（工作区保留）……"
    ; _?= runs the old uninstaller in place and waits for it; it deletes only its own listed files.
    ExecWait '"$INSTDIR\Uninstall.exe" /S /UPGRADE _?=$INSTDIR' $0
    Delete "$INSTDIR\Uninstall.exe"
  ${ElseIf} ${FileExists} "$INSTDIR\${GUI_EXE}"
    ; A pre-release layout without a file list: its PyInstaller folder is ours by name, in our
    ; own fixed folder; nothing outside it is touched.
    DetailPrint "正在移除旧版本的程序文件夹 _internal ……"
    RMDir /r "$LOCALAPPDATA\Programs\${APPNAME}\_internal"
  ${EndIf}
FunctionEnd

Section "程序文件" SecMain
  SectionIn RO
  SetShellVarContext current
  Call RemovePreviousVersion
  !include "${LISTS}/install-files.nsh"
  FileOpen $0 "$INSTDIR\${MARKER}" w
  FileWrite $0 "${APPNAME} ${VERSION} ${LAYOUT}$\r$\n"
  FileClose $0
  WriteUninstaller "$INSTDIR\Uninstall.exe"

  CreateShortcut "$SMPROGRAMS\${APPTITLE}.lnk" "$INSTDIR\${GUI_EXE}" "" "$INSTDIR\${GUI_EXE}" 0
  CreateShortcut "$DESKTOP\${APPTITLE}.lnk" "$INSTDIR\${GUI_EXE}" "" "$INSTDIR\${GUI_EXE}" 0

  ; Double-clicking a workspace opens it (per-user association under HKCU\Software\Classes).
  WriteRegStr HKCU "Software\Classes\${WORKSPACE_EXT}" "" "${WORKSPACE_PROGID}"
  WriteRegStr HKCU "Software\Classes\${WORKSPACE_PROGID}" "" "碳市场填报工作区"
  WriteRegStr HKCU "Software\Classes\${WORKSPACE_PROGID}\DefaultIcon" "" "$INSTDIR\${GUI_EXE},0"
  WriteRegStr HKCU "Software\Classes\${WORKSPACE_PROGID}\shell\open\command" "" '"$INSTDIR\${GUI_EXE}" --workspace "%1" gui'
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'

  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APPTITLE}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${GUI_EXE},0"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLayout" "${LAYOUT}"
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

Var Upgrade

Section "un.程序文件" SecUnMain
  SectionIn RO
  !include "${LISTS}/uninstall-files.nsh"
  Delete "$INSTDIR\${MARKER}"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR"
  ${If} $Upgrade == 0
    Delete "$SMPROGRAMS\${APPTITLE}.lnk"
    Delete "$DESKTOP\${APPTITLE}.lnk"
    ; The association is removed only while it still points to us.
    ReadRegStr $0 HKCU "Software\Classes\${WORKSPACE_EXT}" ""
    ${If} $0 == "${WORKSPACE_PROGID}"
      DeleteRegKey HKCU "Software\Classes\${WORKSPACE_EXT}"
    ${EndIf}
    DeleteRegKey HKCU "Software\Classes\${WORKSPACE_PROGID}"
    System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
    DeleteRegKey HKCU "${UNINST_KEY}"
  ${EndIf}
SectionEnd

Section /o "un.同时删除工作区、备份和设置（%LOCALAPPDATA%\cets-desktop，无法恢复）" SecUnData
  ${If} $Upgrade == 0
    ; Only the app's own data folder and its settings key; workspaces saved elsewhere are untouched.
    RMDir /r "${DATA_DIR}"
    DeleteRegKey HKCU "Software\${APPNAME}"
  ${EndIf}
SectionEnd

Function un.onInit
  SetShellVarContext current
  ; Run only from our own fixed folder, and only where this installer generation left its marker.
  ${If} $INSTDIR != "$LOCALAPPDATA\Programs\${APPNAME}"
  ${OrIfNot} ${FileExists} "$INSTDIR\${MARKER}"
    MessageBox MB_OK|MB_ICONSTOP "卸载程序不在 ${APPTITLE} 的安装文件夹（$LOCALAPPDATA\Programs\${APPNAME}）中，为安全起见不执行卸载。" /SD IDOK
    Abort
  ${EndIf}
  ${GetParameters} $0
  StrCpy $Upgrade 0
  ClearErrors
  ${GetOptions} $0 "/UPGRADE" $1
  ${IfNot} ${Errors}
    StrCpy $Upgrade 1
  ${EndIf}
  ClearErrors
  ${GetOptions} $0 "/REMOVEDATA" $1
  ${IfNot} ${Errors}
  ${AndIf} $Upgrade == 0
    SectionSetFlags ${SecUnData} ${SF_SELECTED}
  ${EndIf}
  ${If} $Upgrade == 0
    Call un.CloseRunningApp
    ${If} $R9 == 2
      Abort
    ${EndIf}
  ${EndIf}
FunctionEnd

!insertmacro MUI_UNFUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecUnMain} "删除安装程序写入的程序文件、开始菜单和桌面快捷方式、工作区文件关联。"
  !insertmacro MUI_DESCRIPTION_TEXT ${SecUnData} "同时删除 $LOCALAPPDATA\${APPNAME} 中的工作区（填报数据、支撑材料、备份）和程序设置。保存在其他位置的工作区不受影响。"
!insertmacro MUI_UNFUNCTION_DESCRIPTION_END
