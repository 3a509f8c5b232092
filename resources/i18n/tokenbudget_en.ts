<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name></name>
    <message numerus="yes">
        <source>%n-day window</source>
        <translation>
            <numerusform>%n-day window</numerusform>
            <numerusform>%n-day window</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n-hour window</source>
        <translation>
            <numerusform>%n-hour window</numerusform>
            <numerusform>%n-hour window</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unpriced entries are not in the spend.</source>
        <translation>
            <numerusform>%n unpriced entry is not in the spend.</numerusform>
            <numerusform>%n unpriced entries are not in the spend.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{mark} %n entries converted with exchange rates.</source>
        <translation>
            <numerusform>{mark} %n entry converted with exchange rates.</numerusform>
            <numerusform>{mark} %n entries converted with exchange rates.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln unpriced</source>
        <translation>
            <numerusform>%Ln unpriced</numerusform>
            <numerusform>%Ln unpriced</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln lines skipped</source>
        <translation>
            <numerusform>%Ln line skipped</numerusform>
            <numerusform>%Ln lines skipped</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>BudgetsView</name>
    <message numerus="yes">
        <source>%n plans · as of {time}</source>
        <translation>
            <numerusform>%n plan · as of {time}</numerusform>
            <numerusform>%n plans · as of {time}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The %n entries recorded for this plan become unassigned, and then count toward any other plan that covers their provider and model.</source>
        <translation>
            <numerusform>The entry recorded for this plan becomes unassigned, and then counts toward any other plan that covers its provider and model.</numerusform>
            <numerusform>The %n entries recorded for this plan become unassigned, and then count toward any other plan that covers their provider and model.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ChartsMixin</name>
    <message numerus="yes">
        <source>%Ln unpriced entries</source>
        <translation>
            <numerusform>%Ln unpriced entry</numerusform>
            <numerusform>%Ln unpriced entries</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DevicesPage</name>
    <message numerus="yes">
        <source>%n other devices share this folder.</source>
        <translation>
            <numerusform>%n other device shares this folder.</numerusform>
            <numerusform>%n other devices share this folder.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n new records taken in.</source>
        <translation>
            <numerusform>%n new record taken in.</numerusform>
            <numerusform>%n new records taken in.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n records written.</source>
        <translation>
            <numerusform>%n record written.</numerusform>
            <numerusform>%n records written.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EditsMixin</name>
    <message numerus="yes">
        <source>Delete %n entries</source>
        <translation>
            <numerusform>Delete %n entry</numerusform>
            <numerusform>Delete %n entries</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Deleted %n entries. Undo with {keys}.</source>
        <translation>
            <numerusform>Deleted %n entry. Undo with {keys}.</numerusform>
            <numerusform>Deleted %n entries. Undo with {keys}.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ExportMixin</name>
    <message numerus="yes">
        <source>Exported %Ln entries to {file}.</source>
        <translation>
            <numerusform>Exported %Ln entry to {file}.</numerusform>
            <numerusform>Exported %Ln entries to {file}.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message numerus="yes">
        <source>%Ln entries</source>
        <translation>
            <numerusform>%Ln entry</numerusform>
            <numerusform>%Ln entries</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln unpriced</source>
        <translation>
            <numerusform>%Ln unpriced</numerusform>
            <numerusform>%Ln unpriced</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%Ln characters</source>
        <translation>
            <numerusform>%Ln character</numerusform>
            <numerusform>%Ln characters</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln words</source>
        <translation>
            <numerusform>%Ln word</numerusform>
            <numerusform>%Ln words</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln lines</source>
        <translation>
            <numerusform>%Ln line</numerusform>
            <numerusform>%Ln lines</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ProjectBreakdown</name>
    <message numerus="yes">
        <source>%Ln unpriced</source>
        <translation>
            <numerusform>%Ln unpriced</numerusform>
            <numerusform>%Ln unpriced</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SourcesView</name>
    <message numerus="yes">
        <source>%n of {total} tools found</source>
        <translation>
            <numerusform>%n of {total} tools found</numerusform>
            <numerusform>%n of {total} tools found</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Lines its last import skipped: %Ln</source>
        <translation>
            <numerusform>Lines its last import skipped: %Ln</numerusform>
            <numerusform>Lines its last import skipped: %Ln</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln entries</source>
        <translation>
            <numerusform>%Ln entry</numerusform>
            <numerusform>%Ln entries</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln tools</source>
        <translation>
            <numerusform>%Ln tool</numerusform>
            <numerusform>%Ln tools</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln lines skipped</source>
        <translation>
            <numerusform>%Ln line skipped</numerusform>
            <numerusform>%Ln lines skipped</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message numerus="yes">
        <source>and %n more plans</source>
        <translation>
            <numerusform>and %n more plan</numerusform>
            <numerusform>and %n more plans</numerusform>
        </translation>
    </message>
</context>
</TS>
