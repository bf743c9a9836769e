<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>AdminPage</name>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="44" />
        <location filename="../../ui/pages/admin_page.py" line="220" />
        <source>员工与椅位</source>
        <translation>Staff &amp; chairs</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="45" />
        <source>管理登录账号、角色、出诊医生，以及椅位和诊室。</source>
        <translation>Sign-in accounts, roles, doctors on the calendar, and chairs and rooms.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="46" />
        <location filename="../../ui/pages/admin_page.py" line="127" />
        <source>员工</source>
        <translation>Staff</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="54" />
        <source>新增员工</source>
        <translation>Add staff</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="55" />
        <location filename="../../ui/pages/admin_page.py" line="79" />
        <source>编辑</source>
        <translation>Edit</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="56" />
        <source>停用/启用</source>
        <translation>Deactivate/activate</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="57" />
        <location filename="../../ui/pages/admin_page.py" line="155" />
        <location filename="../../ui/pages/admin_page.py" line="165" />
        <source>重置密码</source>
        <translation>Reset password</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="66" />
        <source>椅位 / 诊室</source>
        <translation>Chairs / rooms</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="69" />
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="70" />
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="71" />
        <location filename="../../ui/pages/admin_page.py" line="108" />
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="71" />
        <location filename="../../ui/pages/admin_page.py" line="99" />
        <source>启用</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="71" />
        <location filename="../../ui/pages/admin_page.py" line="95" />
        <source>停用</source>
        <translation>Inactive</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="78" />
        <source>新增椅位</source>
        <translation>Add chair</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="97" />
        <source>已锁定至 {0}</source>
        <translation>Locked until {0}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="102" />
        <source>用户名</source>
        <translation>Username</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="103" />
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="104" />
        <source>角色</source>
        <translation>Role</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="105" />
        <source>医生</source>
        <translation>Doctor</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="105" />
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="106" />
        <source>颜色</source>
        <translation>Colour</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="110" />
        <source>最近登录</source>
        <translation>Last sign-in</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="127" />
        <source>请先在表格中选择一位员工。</source>
        <translation>Select a staff member in the table first.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="156" />
        <source>为 {0} 设置新密码（至少 6 个字符）：</source>
        <translation>New password for {0} (at least 6 characters):</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="166" />
        <source>{0} 的密码已重置，账号锁定已解除。</source>
        <translation>{0}'s password was reset and any lock was lifted.</translation>
    </message>
</context>
<context>
    <name>AuditPage</name>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="25" />
        <location filename="../../ui/pages/audit_page.py" line="71" />
        <source>审计日志</source>
        <translation>Audit log</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="26" />
        <source>每一次修改和每一次查看患者档案都会记录在这里，记录之间以哈希链相连，无法悄悄改动。</source>
        <translation>Every change and every opening of a patient record is recorded here; entries are hash-chained so they cannot be altered unnoticed.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="28" />
        <source>筛选：用户、操作、对象或摘要</source>
        <translation>Filter: user, action, object or summary</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="30" />
        <source>校验哈希链</source>
        <translation>Verify hash chain</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="36" />
        <source>编号</source>
        <translation>No.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="38" />
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="40" />
        <source>用户</source>
        <translation>User</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="41" />
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="42" />
        <source>对象</source>
        <translation>Object</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="43" />
        <source>摘要</source>
        <translation>Summary</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="61" />
        <source>✔ 哈希链完整（{0} 条记录）</source>
        <translation>✔ Hash chain intact ({0} entries)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="64" />
        <source>✘ 第 {0} 条记录被改动</source>
        <translation>✘ Entry {0} was altered</translation>
    </message>
</context>
<context>
    <name>ChairDialog</name>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="183" />
        <source>编辑椅位</source>
        <translation>Edit chair</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="183" />
        <source>新增椅位</source>
        <translation>Add chair</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="189" />
        <source>启用</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="191" />
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="192" />
        <source>说明</source>
        <translation>Note</translation>
    </message>
</context>
<context>
    <name>ChangePasswordDialog</name>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="37" />
        <source>修改密码</source>
        <translation>Change password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="45" />
        <source>原密码</source>
        <translation>Current password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="46" />
        <source>新密码</source>
        <translation>New password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="47" />
        <source>确认新密码</source>
        <translation>Confirm new password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="52" />
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="58" />
        <source>两次输入的新密码不一致。</source>
        <translation>The two new passwords do not match.</translation>
    </message>
</context>
<context>
    <name>ClinicDialog</name>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="71" />
        <source>诊所信息</source>
        <translation>Clinic information</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="82" />
        <source>诊所名称</source>
        <translation>Clinic name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="83" />
        <source>时区</source>
        <translation>Time zone</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="84" />
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="85" />
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="90" />
        <source>保存</source>
        <translation>Save</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <location filename="../../ui/dialogs/crash_dialog.py" line="24" />
        <location filename="../../ui/dialogs/crash_dialog.py" line="27" />
        <source>出错了</source>
        <translation>Something went wrong</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/crash_dialog.py" line="31" />
        <source>程序遇到了一个意外问题，刚才的操作可能没有完成。您可以继续使用，如果问题再次出现，请把下面的日志文件发给技术支持。</source>
        <translation>The program ran into an unexpected problem and the last action may not have finished. You can keep working; if it happens again, please send the log file below to support.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/crash_dialog.py" line="36" />
        <source>日志文件：{0}</source>
        <translation>Log file: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/crash_dialog.py" line="36" />
        <source>（未启用）</source>
        <translation>(not enabled)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/crash_dialog.py" line="46" />
        <location filename="../../ui/dialogs/crash_dialog.py" line="58" />
        <source>显示详情</source>
        <translation>Show details</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/crash_dialog.py" line="49" />
        <source>复制详情</source>
        <translation>Copy details</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/crash_dialog.py" line="58" />
        <source>隐藏详情</source>
        <translation>Hide details</translation>
    </message>
</context>
<context>
    <name>LanguageChoice</name>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="113" />
        <source>界面语言</source>
        <translation>Interface language</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="115" />
        <source>选择界面语言（下次启动时生效）：</source>
        <translation>Choose the interface language (takes effect at the next start):</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="122" />
        <source>语言已保存，下次启动 Clinic Desktop 时生效。</source>
        <translation>Saved. The language changes the next time Clinic Desktop starts.</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../ui/dialogs/login_dialog.py" line="18" />
        <source>登录 - Clinic Desktop</source>
        <translation>Sign in - Clinic Desktop</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/login_dialog.py" line="22" />
        <source>请输入您的用户名和密码。</source>
        <translation>Enter your username and password.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/login_dialog.py" line="28" />
        <source>用户名</source>
        <translation>Username</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/login_dialog.py" line="29" />
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/login_dialog.py" line="36" />
        <source>登录</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/login_dialog.py" line="37" />
        <source>退出</source>
        <translation>Quit</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="93" />
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="94" />
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="99" />
        <source>账户</source>
        <translation>Account</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="100" />
        <source>修改密码…</source>
        <translation>Change password…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="101" />
        <source>退出登录</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="103" />
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="104" />
        <source>界面语言…</source>
        <translation>Interface language…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="106" />
        <source>诊所信息…</source>
        <translation>Clinic information…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="108" />
        <source>帮助</source>
        <translation>Help</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="109" />
        <location filename="../../ui/main_window.py" line="148" />
        <source>关于 Clinic Desktop</source>
        <translation>About Clinic Desktop</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="113" />
        <source>用户：{0}</source>
        <translation>User: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="114" />
        <source>角色：{0}</source>
        <translation>Role: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="116" />
        <source>演示 / DEMO</source>
        <translation>DEMO</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="129" />
        <source>诊所：{0}</source>
        <translation>Clinic: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="149" />
        <source>&lt;b&gt;Clinic Desktop&lt;/b&gt; {0}&lt;br&gt;离线优先的诊所管理软件。&lt;br&gt;&lt;br&gt;数据文件夹：{1}&lt;br&gt;日志：{2}</source>
        <translation>&lt;b&gt;Clinic Desktop&lt;/b&gt; {0}&lt;br&gt;Offline-first clinic management.&lt;br&gt;&lt;br&gt;Data folder: {1}&lt;br&gt;Log: {2}</translation>
    </message>
</context>
<context>
    <name>SettingsDialogs</name>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="30" />
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>SetupDialog</name>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="18" />
        <source>欢迎使用 Clinic Desktop</source>
        <translation>Welcome to Clinic Desktop</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="23" />
        <source>设置您的诊所</source>
        <translation>Set up your clinic</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="24" />
        <source>第一次使用：请填写诊所信息并创建管理员账号。以后可以在“设置”中修改。</source>
        <translation>First start: enter the clinic's details and create the administrator account. You can change them later under Settings.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="29" />
        <source>例如：仁爱口腔门诊部</source>
        <translation>e.g. Ren'ai Dental Clinic</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="35" />
        <source>登录用，例如 admin</source>
        <translation>for signing in, e.g. admin</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="37" />
        <source>例如：王院长</source>
        <translation>e.g. Dr Wang</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="40" />
        <source>至少 6 个字符</source>
        <translation>at least 6 characters</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="43" />
        <source>诊所名称</source>
        <translation>Clinic name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="44" />
        <source>时区</source>
        <translation>Time zone</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="45" />
        <source>管理员用户名</source>
        <translation>Administrator username</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="46" />
        <source>管理员姓名</source>
        <translation>Administrator name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="47" />
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="48" />
        <source>确认密码</source>
        <translation>Confirm password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="58" />
        <source>创建诊所</source>
        <translation>Create clinic</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="59" />
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="67" />
        <source>两次输入的密码不一致。</source>
        <translation>The two passwords do not match.</translation>
    </message>
</context>
<context>
    <name>StaffDialog</name>
    <message>
        <location filename="../../ui/dialogs/staff_dialog.py" line="30" />
        <source>编辑员工</source>
        <translation>Edit staff member</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/staff_dialog.py" line="30" />
        <source>新增员工</source>
        <translation>Add staff</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/staff_dialog.py" line="44" />
        <source>出诊医生（在预约日历中显示一列）</source>
        <translation>Doctor (has a column in the appointment calendar)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/staff_dialog.py" line="48" />
        <source>选择…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/staff_dialog.py" line="58" />
        <source>用户名</source>
        <translation>Username</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/staff_dialog.py" line="59" />
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/staff_dialog.py" line="60" />
        <source>角色</source>
        <translation>Role</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/staff_dialog.py" line="62" />
        <source>日历颜色</source>
        <translation>Calendar colour</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/staff_dialog.py" line="63" />
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/staff_dialog.py" line="65" />
        <source>至少 6 个字符</source>
        <translation>at least 6 characters</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/staff_dialog.py" line="66" />
        <source>初始密码</source>
        <translation>Initial password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/staff_dialog.py" line="75" />
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/staff_dialog.py" line="76" />
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <location filename="../../ui/app.py" line="71" />
        <source>Clinic Desktop</source>
        <translation>Clinic Desktop</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <location filename="../../ui/errors.py" line="24" />
        <source>提示</source>
        <translation>Notice</translation>
    </message>
</context>
</TS>