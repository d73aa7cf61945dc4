Attribute VB_Name = "sjtx_buttons"
' sjtx-xl: macros behind the buttons on the control sheet.
'
' Every button calls one public Sub below.  The Python side is the module
' sjtx_xl.xl; the RunPython import strings are fixed ASCII text and are never
' derived from the workbook name (xlwings issue 2004), so the workbook can be
' renamed or copied freely.  RunPython itself lives in the xlwings module of
' this project; its settings come from the hidden "xlwings.conf" sheet.
'
' Keep this file ASCII-only: Chinese text belongs on the worksheets.
Option Explicit

Private Const SRC_FOLDER_NAME As String = "src_folder"
Private Const FOLDER_PICKER As Long = 4 ' msoFileDialogFolderPicker

' Button "select folder": let the user pick the folder of filled-in forms
' and write its path into the named cell src_folder.  Pure VBA, no Python.
Public Sub SJTX_PickFolder()
    Dim dlg As Object
    Dim target As Range
    Dim current As String
    On Error GoTo failed
    Set target = ThisWorkbook.Names(SRC_FOLDER_NAME).RefersToRange
    Set dlg = Application.FileDialog(FOLDER_PICKER)
    dlg.AllowMultiSelect = False
    current = CStr(target.Value)
    If Len(current) > 0 Then
        If Right(current, 1) <> Application.PathSeparator Then
            current = current & Application.PathSeparator
        End If
        dlg.InitialFileName = current
    End If
    If dlg.Show = -1 Then
        target.Value = dlg.SelectedItems(1)
    End If
    Exit Sub
failed:
    MsgBox "Folder picker failed: " & Err.Description, vbExclamation, "sjtx-xl"
End Sub

' Button "merge and summarise": check and merge every form in src_folder.
Public Sub SJTX_MergeFolder()
    RunPython "import sjtx_xl.xl as x; x.merge_folder()"
End Sub

' Button "build templates": write blank forms.
Public Sub SJTX_BuildTemplates()
    RunPython "import sjtx_xl.xl as x; x.build_templates()"
End Sub

' Button "check file": check a single filled-in form.
Public Sub SJTX_CheckFile()
    RunPython "import sjtx_xl.xl as x; x.check_file()"
End Sub

' Button "submission package": build the package of the decided summary.
Public Sub SJTX_SubmitPackage()
    RunPython "import sjtx_xl.xl as x; x.submit_package()"
End Sub
