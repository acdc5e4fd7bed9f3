<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/mainwindow.py" line="146"/>
        <source>Unknown session %s; using the current one.</source>
        <translation>未知场次 %s，已改用当前场次。</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="165"/>
        <location filename="../../ui/mainwindow.py" line="166"/>
        <source>Database unavailable</source>
        <translation>数据库不可用</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="208"/>
        <source>  no camera  </source>
        <translation>  无摄像头  </translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="212"/>
        <source>  camera: %1 · %2 fps  </source>
        <translation>  摄像头：%1 · %2 帧/秒  </translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="300"/>
        <source>Staff desk</source>
        <translation>服务台</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="301"/>
        <source>Self check-in</source>
        <translation>自助签到</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="302"/>
        <source>Dashboard</source>
        <translation>数据看板</translation>
    </message>
</context>
<context>
    <name>StaffView</name>
    <message>
        <location filename="../../ui/staff.py" line="344"/>
        <source>Nothing to undo at this station.</source>
        <translation>本签到台没有可撤销的签到。</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="354"/>
        <source>Only an admitted check-in can be undone.</source>
        <translation>只能撤销成功的签到。</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="360"/>
        <source>Undo check-in · 撤销签到</source>
        <translation>撤销签到 · Undo check-in</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="361"/>
        <source>Why is this check-in undone? (kept in the log)</source>
        <translation>撤销此签到的原因？（将记录在日志中）</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="362"/>
        <source>scanned by mistake</source>
        <translation>误扫</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="371"/>
        <source>Check-in undone.</source>
        <translation>已撤销签到。</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="387"/>
        <source>Walk-in registered: %s</source>
        <translation>现场注册完成：%s</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="400"/>
        <source>Select a person in the search results first.</source>
        <translation>请先在搜索结果中选择人员。</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="404"/>
        <source>Reprint badge · 补打胸卡</source>
        <translation>补打胸卡 · Reprint badge</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="405"/>
        <source>The old badge stops working. Reason for the reprint:</source>
        <translation>旧胸卡将失效。补打原因：</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="406"/>
        <source>lost badge</source>
        <translation>胸卡遗失</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="415"/>
        <source>New badge issued; the old one is revoked.</source>
        <translation>已签发新胸卡，旧胸卡已作废。</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="428"/>
        <source>Camera starting…</source>
        <translation>摄像头启动中…</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="429"/>
        <source>Camera on · decoder running</source>
        <translation>摄像头已开启 · 正在识别</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="430"/>
        <source>Camera unavailable: %s</source>
        <translation>摄像头不可用：%s</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="431"/>
        <source>Video ended</source>
        <translation>视频已结束</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="432"/>
        <source>Camera off</source>
        <translation>摄像头已关闭</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="445"/>
        <source>Session</source>
        <translation>场次</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="446"/>
        <source>Station</source>
        <translation>签到台</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="447"/>
        <source>Print a badge at first check-in</source>
        <translation>首次签到时打印胸卡</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="448"/>
        <source>CAMERA</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="449"/>
        <source>LIVE COUNTS</source>
        <translation>实时人数</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="451"/>
        <source>Search name, Chinese name, organization or email (Ctrl+F)</source>
        <translation>搜索姓名、中文名、单位或邮箱（Ctrl+F）</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="453"/>
        <source>Check in (Enter)</source>
        <translation>签到（Enter）</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="454"/>
        <source>Reprint badge (Ctrl+P)</source>
        <translation>补打胸卡（Ctrl+P）</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="455"/>
        <source>Walk-in registration (Ctrl+N)</source>
        <translation>现场注册（Ctrl+N）</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="456"/>
        <source>Undo selected (Ctrl+Z)</source>
        <translation>撤销所选（Ctrl+Z）</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="457"/>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location filename="../../ui/staff.py" line="458"/>
        <source>Recent scans</source>
        <translation>最近扫码</translation>
    </message>
</context>
<context>
    <name>WalkInDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="36"/>
        <source>Walk-in registration · 现场注册</source>
        <translation>现场注册 · Walk-in registration</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="50"/>
        <source>Needs attention (VIP handling)</source>
        <translation>需特别关注（贵宾接待）</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="51"/>
        <source>Name (English)</source>
        <translation>英文姓名</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="52"/>
        <source>Name (Chinese)</source>
        <translation>中文姓名</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="53"/>
        <source>Organization</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="54"/>
        <source>Organization (Chinese)</source>
        <translation>单位（中文）</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="55"/>
        <source>Title</source>
        <translation>职务</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="56"/>
        <source>Email</source>
        <translation>电子邮箱</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="57"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="58"/>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="59"/>
        <source>Desk notes</source>
        <translation>服务台备注</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="66"/>
        <source>Sessions</source>
        <translation>场次</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="74"/>
        <source>Register and print badge</source>
        <translation>注册并打印胸卡</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="101"/>
        <source>A name (English or Chinese) is required.</source>
        <translation>请填写姓名（英文或中文）。</translation>
    </message>
</context>
</TS>
