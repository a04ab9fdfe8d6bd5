// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - the security hooks
 *
 * The table below names every kernel security function bulwark
 * redirects and its handler.  A handler has the function's exact
 * prototype; it decides, calls the original unless it denies, and ends
 * with bulwark_hook_leave().  The ftrace callback first asks the hook's
 * "want" test, so that calls no rule can be about (a host task, a mode
 * that is off) run the original directly.
 */

#include "common.h"

#include <linux/binfmts.h>
#include <linux/cgroup.h>
#include <linux/fs.h>
#include <linux/irqflags.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mm_types.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/preempt.h>
#include <uapi/linux/mount.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/security.h>
#include <linux/uaccess.h>

#include "blocklist.h"
#include "compat.h"
#include "config.h"
#include "contain.h"
#include "drift.h"
#include "escape.h"
#include "exec.h"
#include "hook.h"
#include "keys.h"
#include "lsm.h"

/*
 * The widest scope each rule follows.  Scope 2 makes the miner rule judge
 * every task, the host's included; the keys and persist rules judge
 * contained tasks only, as at scope 1: applied to the host they would
 * lock its administrator out of passwd, apt and ssh-copy-id.
 */
#define MINER_SCOPE BULWARK_SCOPE_ALL
#define HOST_FILES_SCOPE BULWARK_SCOPE_NS
#define ESCAPE_SCOPE BULWARK_SCOPE_NS
#define DRIFT_SCOPE BULWARK_SCOPE_NS
#if HOST_FILES_SCOPE != ESCAPE_SCOPE || HOST_FILES_SCOPE != DRIFT_SCOPE
#error "hook_file_open() looks at the task once for all three rules"
#endif

/* The miner rule is on and has something to find. */
static __always_inline bool miner_on(void)
{
	return READ_ONCE(bulwark_miner_mode) != BULWARK_MODE_OFF &&
	       !bulwark_blocklist_empty();
}

/*
 * An exec: the miner rule's or the drift rule's.  One look at the task:
 * the miner rule's scope includes the drift rule's.
 */
static __always_inline bool want_bprm(struct bulwark_ftrace_regs *fregs)
{
	if (miner_on())
		return bulwark_current_maybe_contained(MINER_SCOPE);
	return READ_ONCE(bulwark_drift_mode) != BULWARK_MODE_OFF &&
	       bulwark_current_maybe_contained(DRIFT_SCOPE);
}

/*
 * Whether a mapping with @prot, as asked for, is executable: with the
 * READ_IMPLIES_EXEC personality, a readable mapping of a file on an exec
 * mount is (see mmap_prot() in security/security.c).
 */
static bool prot_exec(const struct file *file, unsigned long prot)
{
	if (prot & PROT_EXEC)
		return true;
	/* path_noexec(), which is not exported. */
	return (prot & PROT_READ) &&
	       (current->personality & READ_IMPLIES_EXEC) &&
	       !(file->f_path.mnt->mnt_flags & MNT_NOEXEC) &&
	       !(file->f_path.mnt->mnt_sb->s_iflags & SB_I_NOEXEC);
}

/*
 * The exec in progress mapping its own file: bprm_check has judged that
 * file already.  The ELF interpreter, mapped by the same exec, and any
 * later mapping are still judged.
 */
static bool mapping_own_exec(const struct file *file)
{
	const struct mm_struct *mm = current->mm;

	return current->in_execve && mm &&
	       file == rcu_access_pointer(mm->exe_file);
}

/* As want_bprm(), for an executable mapping of a file. */
static bool want_mmap_exec(struct bulwark_ftrace_regs *fregs)
{
	const struct file *file = (void *)bulwark_fregs_arg(fregs, 0);

	return file && prot_exec(file, bulwark_fregs_arg(fregs, 1)) &&
	       !mapping_own_exec(file) && want_bprm(fregs);
}

/*
 * mprotect(2) making a file mapping executable that was not: the
 * protection the hook gets is the effective one already.
 */
static bool want_mprotect(struct bulwark_ftrace_regs *fregs)
{
	const struct vm_area_struct *vma = (void *)bulwark_fregs_arg(fregs, 0);

	return (bulwark_fregs_arg(fregs, 2) & PROT_EXEC) && vma->vm_file &&
	       !(vma->vm_flags & VM_EXEC) && want_bprm(fregs);
}

/* An inode leaving for good that the drift rule may remember. */
static bool want_inode_gone(struct bulwark_ftrace_regs *fregs)
{
	return bulwark_drift_want_inode_gone((void *)bulwark_fregs_arg(fregs, 0));
}

/* A filesystem shut down that the drift rule may remember files of. */
static bool want_sb_kill(struct bulwark_ftrace_regs *fregs)
{
	return bulwark_drift_want_sb_kill((void *)bulwark_fregs_arg(fregs, 0));
}

/* A freed superblock that the drift rule may remember. */
static bool want_sb_free(struct bulwark_ftrace_regs *fregs)
{
	return bulwark_drift_want_sb_free((void *)bulwark_fregs_arg(fregs, 0));
}

/*
 * A filesystem being set up for a mount (vfs_get_tree()), by a task the
 * drift rule may judge, in any mode.
 */
static bool want_sb_set_mnt_opts(struct bulwark_ftrace_regs *fregs)
{
	return bulwark_current_maybe_contained(DRIFT_SCOPE);
}

/* A superblock made (alloc_super()) by a task the drift rule may judge. */
static bool want_sb_alloc(struct bulwark_ftrace_regs *fregs)
{
	return bulwark_current_maybe_contained(DRIFT_SCOPE);
}

/*
 * The keys or the persist rule is on and the current task is subject
 * to it.
 */
static bool want_keys(struct bulwark_ftrace_regs *fregs)
{
	return (READ_ONCE(bulwark_keys_mode) != BULWARK_MODE_OFF ||
		READ_ONCE(bulwark_persist_mode) != BULWARK_MODE_OFF) &&
	       bulwark_current_maybe_contained(HOST_FILES_SCOPE);
}

/*
 * As want_keys(), for a mount(2) that puts something on its target: a
 * new mount, a bind or a move, not a remount nor a change of
 * propagation.
 */
static bool want_keys_mount(struct bulwark_ftrace_regs *fregs)
{
	unsigned long flags = bulwark_fregs_arg(fregs, 3);

	return !(flags & (MS_REMOUNT | MS_SHARED | MS_PRIVATE | MS_SLAVE |
			  MS_UNBINDABLE)) &&
	       want_keys(fregs);
}

/* The escape rule is on and the current task is subject to it. */
static bool want_escape(struct bulwark_ftrace_regs *fregs)
{
	return READ_ONCE(bulwark_escape_mode) != BULWARK_MODE_OFF &&
	       bulwark_current_maybe_contained(ESCAPE_SCOPE);
}

/*
 * As want_keys(), for an open that may change the file: few opens do,
 * and fewer of a file that a rule may protect; as want_escape(), for an
 * open for writing of a device or of a kernel or cgroup file (or any
 * open of device-mapper's control device); and the drift rule's marks.
 */
static bool want_file_open(struct bulwark_ftrace_regs *fregs)
{
	const struct file *file = (void *)bulwark_fregs_arg(fregs, 0);
	bool keys = bulwark_keys_open_modifies(file);
	int c;

	if (!(file->f_mode & FMODE_WRITE) && !keys)
		return bulwark_escape_open_concerns(file) && want_escape(fregs);
	/* The three rules follow one scope (above): one verdict serves. */
	c = bulwark_current_contained_cached(DRIFT_SCOPE);
	if (!c)
		return false;
	/*
	 * The drift rule remembers what contained tasks open to write, new
	 * files too, whatever its mode.  A task known to be contained has
	 * its file remembered here, before the open, which costs far less
	 * than a redirect; one whose cgroups have no verdict cached yet is
	 * left to the handler.  On PREEMPT_RT, where this callback may not
	 * allocate, an open that must add a mark is left to the handler.
	 */
	if (file->f_mode & FMODE_WRITE) {
		if (c < 0)
			return true;
		if (!IS_ENABLED(CONFIG_PREEMPT_RT))
			bulwark_drift_written((struct file *)file, GFP_ATOMIC);
		else if (bulwark_drift_to_mark(file))
			return true;
	}
	if (keys && (READ_ONCE(bulwark_keys_mode) != BULWARK_MODE_OFF ||
		     READ_ONCE(bulwark_persist_mode) != BULWARK_MODE_OFF) &&
	    bulwark_keys_want_dentry(file->f_path.dentry))
		return true;
	return READ_ONCE(bulwark_escape_mode) != BULWARK_MODE_OFF &&
	       bulwark_escape_open_concerns(file);
}

/* A rename: the keys or persist rule's, or a cgroup's (escape). */
static bool want_keys_or_escape(struct bulwark_ftrace_regs *fregs)
{
	return want_keys(fregs) || want_escape(fregs);
}

/* As want_escape(), for a connection to a host service's socket. */
static bool want_escape_connect(struct bulwark_ftrace_regs *fregs)
{
	return bulwark_escape_service_socket((void *)bulwark_fregs_arg(fregs, 1)) &&
	       want_escape(fregs);
}

/* The table's first hook's want test, called directly by hook.c. */
bool bulwark_want_first(struct bulwark_ftrace_regs *fregs)
{
	return want_file_open(fregs);
}

/* As want_escape(), for a module or kexec file the kernel reads. */
static bool want_escape_read(struct bulwark_ftrace_regs *fregs)
{
	return bulwark_escape_read_concerns(bulwark_fregs_arg(fregs, 1)) &&
	       want_escape(fregs);
}

/* As want_escape(), for a module or kexec image handed in a buffer. */
static bool want_escape_load(struct bulwark_ftrace_regs *fregs)
{
	unsigned long id = bulwark_fregs_arg(fregs, 0);

	return (id == LOADING_MODULE || id == LOADING_KEXEC_IMAGE ||
		id == LOADING_KEXEC_INITRAMFS) &&
	       want_escape(fregs);
}

/* As want_escape(), for what a lockdown of the kernel's integrity stops. */
static bool want_escape_lockdown(struct bulwark_ftrace_regs *fregs)
{
	return bulwark_escape_lockdown_concerns(bulwark_fregs_arg(fregs, 0)) &&
	       want_escape(fregs);
}

/* As want_escape(), for a ptrace access that attaches, not one that reads. */
static bool want_escape_ptrace(struct bulwark_ftrace_regs *fregs)
{
	return (bulwark_fregs_arg(fregs, 1) & PTRACE_MODE_ATTACH) &&
	       want_escape(fregs);
}

/* As want_keys(), for a new file where a rule may protect it. */
static bool want_keys_create(struct bulwark_ftrace_regs *fregs)
{
	struct dentry *dentry = (void *)bulwark_fregs_arg(fregs, 1);

	return want_keys(fregs) && bulwark_keys_want_dentry(dentry);
}

/* As want_keys(), for a chattr ioctl. */
static bool want_keys_ioctl(struct bulwark_ftrace_regs *fregs)
{
	unsigned int cmd = bulwark_fregs_arg(fregs, 1);

	return (bulwark_keys_ioctl_modifies(cmd) && want_keys(fregs)) ||
	       (bulwark_escape_ioctl_concerns(cmd) && want_escape(fregs));
}

/*
 * In a handler, where it may sleep: apply @rule only if the current task
 * is subject to it, up to @max_scope.  The want tests, in atomic
 * context, let a call through when no verdict on the task's cgroups is
 * cached yet (see contain.c); this is where such a call is decided.
 */
#define IF_CONTAINED(max_scope, rule) \
	(bulwark_current_contained(max_scope) ? (rule) : 0)

/*
 * The originals, set once by the hook layer before any redirect.  Each
 * handler calls its original and only then leaves: never as a tail
 * call (see bulwark_hook_leave()).
 */
static int (*orig_bprm_check)(struct linux_binprm *bprm);
static int (*orig_mmap_file)(struct file *file, unsigned long prot,
			     unsigned long flags);
static int (*orig_file_mprotect)(struct vm_area_struct *vma,
				 unsigned long reqprot, unsigned long prot);
static void (*orig_shmem_evict_inode)(struct inode *inode);
static void (*orig_ext4_evict_inode)(struct inode *inode);
static void (*orig_xfs_fs_evict_inode)(struct inode *inode);
static void (*orig_xfs_fs_destroy_inode)(struct inode *inode);
static void (*orig_f2fs_evict_inode)(struct inode *inode);
static void (*orig_nfs_evict_inode)(struct inode *inode);
static void (*orig_nfs4_evict_inode)(struct inode *inode);
static void (*orig_ceph_evict_inode)(struct inode *inode);
static void (*orig_v9fs_evict_inode)(struct inode *inode);
static void (*orig_ntfs_evict_inode)(struct inode *inode);
static int (*orig_sb_alloc)(struct super_block *sb);
static void (*orig_kill_anon_super)(struct super_block *sb);
static void (*orig_sb_free)(struct super_block *sb);
static int (*orig_sb_set_mnt_opts)(struct super_block *sb, void *mnt_opts,
				   unsigned long kern_flags,
				   unsigned long *set_kern_flags);
static int (*orig_file_open)(struct file *file);
static int (*orig_file_ioctl)(struct file *file, unsigned int cmd,
			      unsigned long arg);
static int (*orig_file_ioctl_compat)(struct file *file, unsigned int cmd,
				     unsigned long arg);
static int (*orig_inode_setattr)(BULWARK_SETATTR_IDMAP struct dentry *dentry,
				 struct iattr *attr);
static int (*orig_inode_setxattr)(BULWARK_XATTR_IDMAP struct dentry *dentry,
				  const char *name, const void *value,
				  size_t size, int flags);
static int (*orig_inode_set_acl)(BULWARK_XATTR_IDMAP struct dentry *dentry,
				 const char *acl_name, struct posix_acl *kacl);
#ifdef BULWARK_HAVE_INODE_FILE_SETATTR
static int (*orig_inode_file_setattr)(struct dentry *dentry,
				      struct file_kattr *fa);
#endif
static int (*orig_inode_create)(struct inode *dir, struct dentry *dentry,
				umode_t mode);
static int (*orig_inode_mknod)(struct inode *dir, struct dentry *dentry,
			       umode_t mode, dev_t dev);
static int (*orig_inode_mkdir)(struct inode *dir, struct dentry *dentry,
			       umode_t mode);
static int (*orig_sb_mount)(const char *dev_name, const struct path *path,
			    const char *type, unsigned long flags, void *data);
static int (*orig_move_mount)(const struct path *from_path,
			      const struct path *to_path);
static int (*orig_inode_link)(struct dentry *old_dentry, struct inode *dir,
			      struct dentry *new_dentry);
static int (*orig_inode_symlink)(struct inode *dir, struct dentry *dentry,
				 const char *old_name);
static int (*orig_inode_unlink)(struct inode *dir, struct dentry *dentry);
static int (*orig_inode_rmdir)(struct inode *dir, struct dentry *dentry);
static int (*orig_inode_rename)(struct inode *old_dir,
				struct dentry *old_dentry,
				struct inode *new_dir,
				struct dentry *new_dentry, unsigned int flags);

/*
 * Code from @file is about to run (@op: "exec", "mmap", "mprotect"):
 * the miner rule, then the drift rule.
 */
static int judge_code(struct file *file, const char *op)
{
	bool miner = miner_on() && bulwark_current_contained(MINER_SCOPE);
	bool drift = READ_ONCE(bulwark_drift_mode) != BULWARK_MODE_OFF &&
		     bulwark_current_contained(DRIFT_SCOPE);
	struct file *clone_of = NULL;
	int ret = 0;

	if (!miner && !drift)
		return 0;
	/*
	 * A runtime's sealed copy of itself (runc, crun, at every
	 * container start) is judged as the program it copies: the miner
	 * rule finds that one's digest in its cache instead of hashing a
	 * new memfd each time, and the drift rule lets it run.
	 */
	if (bulwark_drift_memfd(file_inode(file)))
		clone_of = bulwark_drift_clone_of(file);
	if (miner)
		ret = bulwark_exec_check(clone_of ?: file, op);
	if (!ret && drift)
		ret = bulwark_drift_check(file, op, clone_of);
	if (clone_of)
		fput(clone_of);
	return ret;
}

static int hook_bprm_check(struct linux_binprm *bprm)
{
	int ret = judge_code(bprm->file, "exec");

	if (!ret)
		ret = orig_bprm_check(bprm);

	bulwark_hook_leave();
	return ret;
}

static int hook_mmap_file(struct file *file, unsigned long prot,
			  unsigned long flags)
{
	int ret = judge_code(file, "mmap");

	if (!ret)
		ret = orig_mmap_file(file, prot, flags);

	bulwark_hook_leave();
	return ret;
}

/* Under the mm's mmap lock, taken for writing. */
static int hook_file_mprotect(struct vm_area_struct *vma,
			      unsigned long reqprot, unsigned long prot)
{
	int ret = judge_code(vma->vm_file, "mprotect");

	if (!ret)
		ret = orig_file_mprotect(vma, reqprot, prot);

	bulwark_hook_leave();
	return ret;
}

#ifdef BULWARK_HAVE_DIRECT_CALLS
static struct bulwark_hook *mprotect_hook;

/*
 * The rest of bulwark_mprotect_want(), for a task that may be
 * contained: out of line, so that a host task's answer needs no stack
 * frame.
 */
static noinline notrace unsigned long
mprotect_want_rules(unsigned long parent_ip)
{
	if (!want_bprm(NULL))
		return 0;
	return bulwark_hook_direct(mprotect_hook, parent_ip);
}

/*
 * want_mprotect() past its first test, for the direct trampoline below;
 * @parent_ip is where security_file_mprotect() returns to.  A task that
 * neither exec rule judges, at the wider scope of the two, is told
 * first, whatever their modes: that is every host task's call.
 * Preemptible: the cached verdict disables preemption itself.
 *
 * Return: where the trampoline returns to instead of the function's
 * body (the handler), or 0.
 */
__visible notrace unsigned long
bulwark_mprotect_want(struct vm_area_struct *vma, unsigned long reqprot,
		      unsigned long prot, unsigned long parent_ip)
{
	if (!vma->vm_file || (vma->vm_flags & VM_EXEC) ||
	    bulwark_current_host_cached(MINER_SCOPE))
		return 0;
	return mprotect_want_rules(parent_ip);
}

/*
 * security_file_mprotect()'s __fentry__ site calls this directly (see
 * hook.c): the function's arguments are in %rdi, %rsi and %rdx, the
 * address of its body is on top of the stack and its caller's return
 * address under it.  A protection without PROT_EXEC (the effective one:
 * READ_IMPLIES_EXEC is applied already) returns to the body at once;
 * any other keeps the arguments, asks bulwark_mprotect_want() and, if
 * told, returns to the handler instead.  Aligned: with
 * DYNAMIC_FTRACE_WITH_JMP (7.3 has it), ftrace takes the low bit of a
 * direct call's address for "jump, do not call".
 */
asm(".pushsection .text, \"ax\", @progbits\n"
	".balign 16\n"
	".globl bulwark_mprotect_direct\n"
	".type bulwark_mprotect_direct, @function\n"
	"bulwark_mprotect_direct:\n\t"
	ASM_ENDBR
	CALL_DEPTH_ACCOUNT
	"testb $" __stringify(PROT_EXEC) ", %dl\n\t"
	"jnz 1f\n\t"
	ASM_RET
	"1:\n\t"
	"pushq %rdi\n\t"
	"pushq %rsi\n\t"
	"pushq %rdx\n\t"
	"movq 32(%rsp), %rcx\n\t"
	"call bulwark_mprotect_want\n\t"
	"popq %rdx\n\t"
	"popq %rsi\n\t"
	"popq %rdi\n\t"
	"testq %rax, %rax\n\t"
	"jz 2f\n\t"
	"movq %rax, (%rsp)\n"
	"2:\n\t"
	ASM_RET
	".size bulwark_mprotect_direct, .-bulwark_mprotect_direct\n"
	".popsection\n");

#define MPROTECT_DIRECT bulwark_mprotect_direct
#else
#define MPROTECT_DIRECT NULL
#endif

/*
 * Where an inode number stops naming a file, before it can name another
 * (see bulwark_drift_inode_gone()): as the filesystems that hold the
 * files containers write (tmpfs, ext4, XFS, f2fs; NFS, Ceph, 9p; NTFS)
 * start to evict an inode, before they give its number back.  Not
 * btrfs, whose marks go only at its unmount, nor the filesystems whose
 * numbers are not stable (FAT, exFAT, FUSE, SMB), which hold no marks:
 * a container's write drifts them whole.  XFS
 * before 7.x has no evict_inode operation and frees its inodes on disk
 * after destroy_inode.
 */
#define EVICT_HANDLER(_name)						\
	static void hook_##_name(struct inode *inode)			\
	{								\
		bulwark_drift_inode_gone(inode);			\
		orig_##_name(inode);					\
		bulwark_hook_leave();					\
	}

EVICT_HANDLER(shmem_evict_inode)
EVICT_HANDLER(ext4_evict_inode)
EVICT_HANDLER(xfs_fs_evict_inode)
EVICT_HANDLER(xfs_fs_destroy_inode)
EVICT_HANDLER(f2fs_evict_inode)
EVICT_HANDLER(nfs_evict_inode)
EVICT_HANDLER(nfs4_evict_inode)
EVICT_HANDLER(ceph_evict_inode)
EVICT_HANDLER(v9fs_evict_inode)
EVICT_HANDLER(ntfs_evict_inode)

/* Before the filesystem gives its anonymous device number back. */
static void hook_kill_anon_super(struct super_block *sb)
{
	bulwark_drift_sb_kill(sb);
	orig_kill_anon_super(sb);
	bulwark_hook_leave();
}

/* alloc_super(): a superblock that a contained task's mount makes. */
static int hook_sb_alloc(struct super_block *sb)
{
	int ret = orig_sb_alloc(sb);

	if (!ret && bulwark_current_contained(DRIFT_SCOPE))
		bulwark_drift_sb_alloc(sb);

	bulwark_hook_leave();
	return ret;
}

static void hook_sb_free(struct super_block *sb)
{
	bulwark_drift_sb_free(sb);
	orig_sb_free(sb);
	bulwark_hook_leave();
}

/*
 * vfs_get_tree() calls it once the superblock is found or made, and its
 * type and device are known: a superblock this mount made was noted by
 * hook_sb_alloc().  (Its active references cannot tell: on 7.x, btrfs
 * mounts a superblock it made before this point; and
 * security_sb_kern_mount() comes after the new mount on 7.x.)
 */
static int hook_sb_set_mnt_opts(struct super_block *sb, void *mnt_opts,
				unsigned long kern_flags,
				unsigned long *set_kern_flags)
{
	int ret = orig_sb_set_mnt_opts(sb, mnt_opts, kern_flags,
				       set_kern_flags);

	if (!ret && bulwark_current_contained(DRIFT_SCOPE))
		ret = bulwark_drift_sb_mounted(sb);

	bulwark_hook_leave();
	return ret;
}

/*
 * The host-keys handlers: the rule decides, on the dentries the change
 * really applies to (see keys.c), and the original runs unless it
 * denied.
 */
static int hook_file_open(struct file *file)
{
	bool escape = bulwark_escape_open_concerns(file) &&
		      READ_ONCE(bulwark_escape_mode) != BULWARK_MODE_OFF;
	bool keys = bulwark_keys_open_modifies(file) &&
		    (READ_ONCE(bulwark_keys_mode) != BULWARK_MODE_OFF ||
		     READ_ONCE(bulwark_persist_mode) != BULWARK_MODE_OFF) &&
		    bulwark_keys_want_dentry(file->f_path.dentry);
	/* Perhaps remembered by want_file_open() already: it is cheap. */
	bool mark = file->f_mode & FMODE_WRITE;
	bool contained = false;
	int ret = 0;

	/* One scope for the three rules (above): one look at the task. */
	if (escape || keys || mark)
		contained = bulwark_current_contained(HOST_FILES_SCOPE);
	if (contained && escape)
		ret = bulwark_escape_open(file);
	if (contained && keys && !ret)
		ret = bulwark_keys_open(file);

	if (!ret)
		ret = orig_file_open(file);
	if (!ret && contained && mark)
		bulwark_drift_written(file, GFP_KERNEL);

	bulwark_hook_leave();
	return ret;
}

/*
 * The chattr ioctls (the keys and persist rules) and the loop driver's
 * (the escape rule).
 */
static int judge_ioctl(struct file *file, unsigned int cmd)
{
	int ret;

	if (!bulwark_current_contained(HOST_FILES_SCOPE))
		return 0;
	ret = bulwark_keys_ioctl(file, cmd);
	if (!ret && READ_ONCE(bulwark_escape_mode) != BULWARK_MODE_OFF)
		ret = bulwark_escape_ioctl(file, cmd);
	return ret;
}

static int hook_file_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	int ret = judge_ioctl(file, cmd);

	if (!ret)
		ret = orig_file_ioctl(file, cmd, arg);

	bulwark_hook_leave();
	return ret;
}

static int hook_file_ioctl_compat(struct file *file, unsigned int cmd,
				  unsigned long arg)
{
	int ret = judge_ioctl(file, cmd);

	if (!ret)
		ret = orig_file_ioctl_compat(file, cmd, arg);

	bulwark_hook_leave();
	return ret;
}

/* chmod, chown, utimes, and truncate(2), ftruncate(2) (ATTR_SIZE). */
static int hook_inode_setattr(BULWARK_SETATTR_IDMAP struct dentry *dentry,
			      struct iattr *attr)
{
	int ret = IF_CONTAINED(HOST_FILES_SCOPE, bulwark_keys_setattr(dentry, attr));

	if (!ret)
		ret = orig_inode_setattr(BULWARK_SETATTR_IDMAP_ARG dentry,
					 attr);

	bulwark_hook_leave();
	return ret;
}

static int hook_inode_setxattr(BULWARK_XATTR_IDMAP struct dentry *dentry,
			       const char *name, const void *value,
			       size_t size, int flags)
{
	int ret = IF_CONTAINED(HOST_FILES_SCOPE, bulwark_keys_setxattr(dentry));

	if (!ret)
		ret = orig_inode_setxattr(BULWARK_XATTR_IDMAP_ARG dentry, name,
					  value, size, flags);

	bulwark_hook_leave();
	return ret;
}

/*
 * From v6.2 on, POSIX ACLs no longer go through the xattr functions.
 * Removing an xattr or an ACL can only take access away: not hooked.
 */
static int hook_inode_set_acl(BULWARK_XATTR_IDMAP struct dentry *dentry,
			      const char *acl_name, struct posix_acl *kacl)
{
	int ret = IF_CONTAINED(HOST_FILES_SCOPE, bulwark_keys_setxattr(dentry));

	if (!ret)
		ret = orig_inode_set_acl(BULWARK_XATTR_IDMAP_ARG dentry,
					 acl_name, kacl);

	bulwark_hook_leave();
	return ret;
}

#ifdef BULWARK_HAVE_INODE_FILE_SETATTR
/* file_setattr(2) and, on most filesystems, the chattr ioctls. */
static int hook_inode_file_setattr(struct dentry *dentry,
				   struct file_kattr *fa)
{
	int ret = IF_CONTAINED(HOST_FILES_SCOPE, bulwark_keys_fileattr(dentry));

	if (!ret)
		ret = orig_inode_file_setattr(dentry, fa);

	bulwark_hook_leave();
	return ret;
}
#endif

/* open(O_CREAT) and mknod(S_IFREG) create a regular file here. */
static int hook_inode_create(struct inode *dir, struct dentry *dentry,
			     umode_t mode)
{
	int ret = IF_CONTAINED(HOST_FILES_SCOPE, bulwark_keys_create(dentry, "open"));

	if (!ret)
		ret = orig_inode_create(dir, dentry, mode);

	bulwark_hook_leave();
	return ret;
}

static int hook_inode_mknod(struct inode *dir, struct dentry *dentry,
			    umode_t mode, dev_t dev)
{
	int ret = IF_CONTAINED(HOST_FILES_SCOPE, bulwark_keys_create(dentry, "mknod"));

	if (!ret)
		ret = orig_inode_mknod(dir, dentry, mode, dev);

	bulwark_hook_leave();
	return ret;
}

static int hook_inode_mkdir(struct inode *dir, struct dentry *dentry,
			    umode_t mode)
{
	int ret = IF_CONTAINED(HOST_FILES_SCOPE, bulwark_keys_mkdir(dentry));

	if (!ret)
		ret = orig_inode_mkdir(dir, dentry, mode);

	bulwark_hook_leave();
	return ret;
}

/* mount(2): a new mount, a bind or a move onto @path. */
static int hook_sb_mount(const char *dev_name, const struct path *path,
			 const char *type, unsigned long flags, void *data)
{
	int ret = IF_CONTAINED(HOST_FILES_SCOPE, bulwark_keys_mount(path));

	if (!ret)
		ret = orig_sb_mount(dev_name, path, type, flags, data);

	bulwark_hook_leave();
	return ret;
}

/* move_mount(2): attaches what fsmount(2) or open_tree(2) made, or moves. */
static int hook_move_mount(const struct path *from_path,
			   const struct path *to_path)
{
	int ret = IF_CONTAINED(HOST_FILES_SCOPE, bulwark_keys_mount(to_path));

	if (!ret)
		ret = orig_move_mount(from_path, to_path);

	bulwark_hook_leave();
	return ret;
}

static int hook_inode_link(struct dentry *old_dentry, struct inode *dir,
			   struct dentry *new_dentry)
{
	int ret = IF_CONTAINED(HOST_FILES_SCOPE,
			       bulwark_keys_link(old_dentry, new_dentry));

	if (!ret)
		ret = orig_inode_link(old_dentry, dir, new_dentry);

	bulwark_hook_leave();
	return ret;
}

static int hook_inode_symlink(struct inode *dir, struct dentry *dentry,
			      const char *old_name)
{
	int ret = IF_CONTAINED(HOST_FILES_SCOPE, bulwark_keys_symlink(dentry));

	if (!ret)
		ret = orig_inode_symlink(dir, dentry, old_name);

	bulwark_hook_leave();
	return ret;
}

static int hook_inode_unlink(struct inode *dir, struct dentry *dentry)
{
	int ret = IF_CONTAINED(HOST_FILES_SCOPE, bulwark_keys_unlink(dentry));

	if (!ret)
		ret = orig_inode_unlink(dir, dentry);

	bulwark_hook_leave();
	return ret;
}

static int hook_inode_rmdir(struct inode *dir, struct dentry *dentry)
{
	int ret = IF_CONTAINED(HOST_FILES_SCOPE, bulwark_keys_rmdir(dentry));

	if (!ret)
		ret = orig_inode_rmdir(dir, dentry);

	bulwark_hook_leave();
	return ret;
}

static int hook_inode_rename(struct inode *old_dir, struct dentry *old_dentry,
			     struct inode *new_dir, struct dentry *new_dentry,
			     unsigned int flags)
{
	int ret = 0;

	if (bulwark_current_contained(HOST_FILES_SCOPE)) {
		ret = bulwark_escape_rename(old_dentry);
		if (!ret)
			ret = bulwark_keys_rename(old_dentry, new_dentry, flags);
	}

	if (!ret)
		ret = orig_inode_rename(old_dir, old_dentry, new_dir,
					new_dentry, flags);

	bulwark_hook_leave();
	return ret;
}

/*
 * The escape rule's handlers.  kernel_read_file: finit_module(2) and
 * kexec_file_load(2); kernel_load_data: init_module(2) and kexec_load(2).
 */
static int (*orig_kernel_read_file)(struct file *file,
				    enum kernel_read_file_id id,
				    bool contents);
static int (*orig_kernel_load_data)(enum kernel_load_data_id id,
				    bool contents);
static int (*orig_ptrace_access_check)(struct task_struct *child,
				       unsigned int mode);
static int (*orig_unix_stream_connect)(struct sock *sock, struct sock *other,
				       struct sock *newsk);
static int (*orig_pidns_install)(struct nsset *nsset, struct ns_common *ns);
static int (*orig_mntns_install)(struct nsset *nsset, struct ns_common *ns);
static int (*orig_cgroupns_install)(struct nsset *nsset, struct ns_common *ns);
#ifdef BULWARK_ATTACH_PERMISSIONS_NS
static int (*orig_cgroup_attach_permissions)(struct cgroup *src_cgrp,
					     struct cgroup *dst_cgrp,
					     struct super_block *sb,
					     bool threadgroup,
					     struct cgroup_namespace *ns);
#else
static int (*orig_cgroup_procs_write_permission)(struct cgroup *src_cgrp,
						 struct cgroup *dst_cgrp,
						 struct super_block *sb,
						 struct cgroup_namespace *ns);
#endif
static int (*orig_locked_down)(enum lockdown_reason what);
static long (*orig_delete_module)(const struct pt_regs *regs);
static long (*orig_ia32_delete_module)(const struct pt_regs *regs);

static int hook_kernel_read_file(struct file *file,
				 enum kernel_read_file_id id, bool contents)
{
	int ret = IF_CONTAINED(ESCAPE_SCOPE,
			       bulwark_escape_read_file(file, id));

	if (!ret)
		ret = orig_kernel_read_file(file, id, contents);

	bulwark_hook_leave();
	return ret;
}

static int hook_kernel_load_data(enum kernel_load_data_id id, bool contents)
{
	int ret = IF_CONTAINED(ESCAPE_SCOPE, bulwark_escape_load_data(id));

	if (!ret)
		ret = orig_kernel_load_data(id, contents);

	bulwark_hook_leave();
	return ret;
}

/* Under the tracee's task_lock(): atomic. */
static int hook_ptrace_access_check(struct task_struct *child,
				    unsigned int mode)
{
	int ret = 0;

	if (bulwark_current_contained_atomic(ESCAPE_SCOPE))
		ret = bulwark_escape_ptrace(child);
	if (!ret)
		ret = orig_ptrace_access_check(child, mode);

	bulwark_hook_leave();
	return ret;
}

/* Under the listening socket's state lock: atomic. */
static int hook_unix_stream_connect(struct sock *sock, struct sock *other,
				    struct sock *newsk)
{
	int ret = 0;

	if (bulwark_current_contained_atomic(ESCAPE_SCOPE))
		ret = bulwark_escape_connect(other);
	if (!ret)
		ret = orig_unix_stream_connect(sock, other, newsk);

	bulwark_hook_leave();
	return ret;
}

/*
 * security_locked_down(): asked from process context, where the task
 * may sleep for every reason judged; never judged from an interrupt,
 * nor with interrupts off (a debugger's stop), where the task at hand
 * is not the one asking.
 */
static int hook_locked_down(enum lockdown_reason what)
{
	int ret = 0;
	bool contained;

	if (in_task() && !irqs_disabled()) {
		contained = preemptible() ?
			    bulwark_current_contained(ESCAPE_SCOPE) :
			    bulwark_current_contained_atomic(ESCAPE_SCOPE);
		if (contained)
			ret = bulwark_escape_lockdown(what);
	}
	if (!ret)
		ret = orig_locked_down(what);

	bulwark_hook_leave();
	return ret;
}

/*
 * setns(2): the install operations of the pid, mount and cgroup
 * namespaces, which have no security hook of their own.  Each is called
 * through its namespace type's operations, for a namespace file and for
 * each type a pidfd asks for alike.
 */
static int hook_pidns_install(struct nsset *nsset, struct ns_common *ns)
{
	int ret = IF_CONTAINED(ESCAPE_SCOPE, bulwark_escape_setns(ns));

	if (!ret)
		ret = orig_pidns_install(nsset, ns);

	bulwark_hook_leave();
	return ret;
}

static int hook_mntns_install(struct nsset *nsset, struct ns_common *ns)
{
	int ret = IF_CONTAINED(ESCAPE_SCOPE, bulwark_escape_setns(ns));

	if (!ret)
		ret = orig_mntns_install(nsset, ns);

	bulwark_hook_leave();
	return ret;
}

static int hook_cgroupns_install(struct nsset *nsset, struct ns_common *ns)
{
	int ret = IF_CONTAINED(ESCAPE_SCOPE, bulwark_escape_setns(ns));

	if (!ret)
		ret = orig_cgroupns_install(nsset, ns);

	bulwark_hook_leave();
	return ret;
}

/*
 * cgroup v2's permission check of a move into @dst_cgrp: at a write of
 * cgroup.procs or cgroup.threads, and at clone3(CLONE_INTO_CGROUP).
 * Called with cgroup_mutex held; may sleep.
 */
#ifdef BULWARK_ATTACH_PERMISSIONS_NS
static int hook_cgroup_attach_permissions(struct cgroup *src_cgrp,
					  struct cgroup *dst_cgrp,
					  struct super_block *sb,
					  bool threadgroup,
					  struct cgroup_namespace *ns)
{
	int ret = IF_CONTAINED(ESCAPE_SCOPE,
			       bulwark_escape_attach(src_cgrp, dst_cgrp));

	if (!ret)
		ret = orig_cgroup_attach_permissions(src_cgrp, dst_cgrp, sb,
						     threadgroup, ns);

	bulwark_hook_leave();
	return ret;
}
#else
static int hook_cgroup_procs_write_permission(struct cgroup *src_cgrp,
					      struct cgroup *dst_cgrp,
					      struct super_block *sb,
					      struct cgroup_namespace *ns)
{
	int ret = IF_CONTAINED(ESCAPE_SCOPE,
			       bulwark_escape_attach(src_cgrp, dst_cgrp));

	if (!ret)
		ret = orig_cgroup_procs_write_permission(src_cgrp, dst_cgrp, sb,
							 ns);

	bulwark_hook_leave();
	return ret;
}
#endif

/*
 * delete_module(2) has no security hook: bulwark redirects the system
 * call itself.  Its handler never calls the original, since the module
 * being unloaded may be bulwark, whose handler would then return into
 * freed text (and whose unload would wait for that very handler to
 * leave).  To let a call through, the handler hands the task a pass and
 * restarts the system call; the callback lets the restarted call run
 * untouched, once.  Passes name the task by pointer and start time, and
 * expire after a second: a task killed before it restarts leaves no
 * usable pass behind.
 */
#define UNLOAD_PASSES 4
/* A slot being filled in. */
#define PASS_BUSY ((struct task_struct *)1)

/*
 * A pass names the task by pointer and start time, and the call by its
 * arguments: the restarted call must be the one that was judged, not
 * one a signal handler made, or a changed sigreturn frame.
 */
static struct unload_pass {
	struct task_struct *task;
	u64 start;
	unsigned long until;
	unsigned long name;
	unsigned long flags;
} unload_passes[UNLOAD_PASSES];

/*
 * delete_module(2)'s arguments: the name's user address and the flags,
 * from the 64-bit entry (rdi, rsi) or the 32-bit one (ebx, ecx), which
 * int 0x80 reaches from a 64-bit process too.
 */
struct unload_args {
	unsigned long name;
	unsigned long flags;
};

static struct unload_args args_x64(const struct pt_regs *regs)
{
	return (struct unload_args){ regs->di, regs->si };
}

static struct unload_args args_ia32(const struct pt_regs *regs)
{
	return (struct unload_args){ (u32)regs->bx, (u32)regs->cx };
}

/* Take the current task's pass for this call, if it holds one.  Atomic. */
static bool take_unload_pass(const struct unload_args *a)
{
	size_t i;

	for (i = 0; i < UNLOAD_PASSES; i++) {
		struct unload_pass *p = &unload_passes[i];

		/* Pairs with the release in pass_unload(): a whole pass. */
		if (smp_load_acquire(&p->task) != current)
			continue;
		if (READ_ONCE(p->start) == current->start_boottime &&
		    READ_ONCE(p->name) == a->name &&
		    READ_ONCE(p->flags) == a->flags &&
		    time_before(jiffies, READ_ONCE(p->until))) {
			WRITE_ONCE(p->task, NULL);
			return true;
		}
	}
	return false;
}

/* Give the current task a pass for this call and restart it. */
static long pass_unload(const struct unload_args *a)
{
	size_t i;

	for (i = 0; i < UNLOAD_PASSES; i++) {
		struct unload_pass *p = &unload_passes[i];
		struct task_struct *old = READ_ONCE(p->task);

		if (old == PASS_BUSY ||
		    (old && time_before(jiffies, READ_ONCE(p->until))))
			continue;
		if (cmpxchg(&p->task, old, PASS_BUSY) != old)
			continue;
		WRITE_ONCE(p->start, current->start_boottime);
		WRITE_ONCE(p->until, jiffies + HZ);
		WRITE_ONCE(p->name, a->name);
		WRITE_ONCE(p->flags, a->flags);
		/* Published last: the callback then sees a whole pass. */
		smp_store_release(&p->task, current);
		return restart_syscall();
	}
	return -EAGAIN;
}

/*
 * A contained task's unload goes to the handler, and so, for the host,
 * does a forced unload (O_TRUNC in the flags): the handler refuses the
 * first, and forced unloads of bulwark, or of any module while bulwark
 * is locked.
 */
static bool want_unload(const struct unload_args *a)
{
	if (unlikely(take_unload_pass(a)))
		return false;
	return (a->flags & O_TRUNC) ||
	       (READ_ONCE(bulwark_escape_mode) != BULWARK_MODE_OFF &&
		bulwark_current_maybe_contained(ESCAPE_SCOPE));
}

static bool want_delete_module(struct bulwark_ftrace_regs *fregs)
{
	struct unload_args a = args_x64((void *)bulwark_fregs_arg(fregs, 0));

	return want_unload(&a);
}

static bool want_ia32_delete_module(struct bulwark_ftrace_regs *fregs)
{
	struct unload_args a = args_ia32((void *)bulwark_fregs_arg(fregs, 0));

	return want_unload(&a);
}

static long judge_unload(const struct unload_args *a)
{
	char name[MODULE_NAME_LEN];
	long ret = 0;

	if (strncpy_from_user(name, (const char __user *)a->name,
			      sizeof(name)) < 0)
		name[0] = '\0';
	name[sizeof(name) - 1] = '\0';

	/* A container's unload is an escape, audited or refused. */
	if (READ_ONCE(bulwark_escape_mode) != BULWARK_MODE_OFF &&
	    bulwark_current_contained(ESCAPE_SCOPE))
		ret = bulwark_escape_unload(name);
	/*
	 * And, for everyone, audit mode included: locked, no forced
	 * unload at all (the name is read again by the original, after
	 * this check); unlocked, no forced unload of bulwark, which would
	 * free the policy files' code while they are open.
	 */
	if (!ret && (a->flags & O_TRUNC) &&
	    (READ_ONCE(bulwark_locked) || !strcmp(name, THIS_MODULE->name))) {
		pr_notice_ratelimited("refused the forced unload of \"%s\" (pid %d): %s\n",
				      name, task_pid_nr(current),
				      READ_ONCE(bulwark_locked) ?
				      "bulwark is locked" :
				      "bulwark is never unloaded by force");
		ret = -EPERM;
	}
	if (!ret)
		ret = pass_unload(a);
	return ret;
}

static long hook_delete_module(const struct pt_regs *regs)
{
	struct unload_args a = args_x64(regs);
	long ret = judge_unload(&a);

	bulwark_hook_leave();
	return ret;
}

static long hook_ia32_delete_module(const struct pt_regs *regs)
{
	struct unload_args a = args_ia32(regs);
	long ret = judge_unload(&a);

	bulwark_hook_leave();
	return ret;
}

#define HOOK(_name, _want)						\
	{								\
		.name = "security_" #_name,				\
		.handler = hook_##_name,				\
		.orig = (void **)&orig_##_name,				\
		.want = _want,						\
	}

/* A kernel function that is not a security hook, by its own name. */
#define RAW_HOOK(_name, _want)						\
	{								\
		.name = #_name,						\
		.handler = hook_##_name,				\
		.orig = (void **)&orig_##_name,				\
		.want = _want,						\
	}

/* As RAW_HOOK(), for a function that a kernel may not have. */
#define OPTIONAL_RAW_HOOK(_name, _want)					\
	{								\
		.name = #_name,						\
		.handler = hook_##_name,				\
		.orig = (void **)&orig_##_name,				\
		.want = _want,						\
		.optional = true,					\
	}

/*
 * A function of module @_mod (or of the kernel, where it is built in);
 * hooked whenever the module is loaded.
 */
#define MODULE_HOOK(_mod, _name, _want)					\
	{								\
		.name = #_name,						\
		.module = #_mod,					\
		.handler = hook_##_name,				\
		.orig = (void **)&orig_##_name,				\
		.want = _want,						\
		.optional = true,					\
	}

#define OPTIONAL_HOOK(_name, _want)					\
	{								\
		.name = "security_" #_name,				\
		.handler = hook_##_name,				\
		.orig = (void **)&orig_##_name,				\
		.want = _want,						\
		.optional = true,					\
	}

/*
 * The hook layer looks at the first one first (its want test must be
 * bulwark_want_first()'s), finds the others of the kernel proper by
 * address, and tries those in modules in this order.
 */
static struct bulwark_hook hooks[] = {
	HOOK(file_open, want_file_open),
	/* In modules, hooked when they are loaded (hook.c). */
	MODULE_HOOK(ext4, ext4_evict_inode, want_inode_gone),
	MODULE_HOOK(xfs, xfs_fs_destroy_inode, want_inode_gone),
	/* New in v6.18 or so; XFS evicted nothing itself before. */
	MODULE_HOOK(xfs, xfs_fs_evict_inode, want_inode_gone),
	MODULE_HOOK(f2fs, f2fs_evict_inode, want_inode_gone),
	MODULE_HOOK(nfs, nfs_evict_inode, want_inode_gone),
	MODULE_HOOK(nfsv4, nfs4_evict_inode, want_inode_gone),
	MODULE_HOOK(ceph, ceph_evict_inode, want_inode_gone),
	MODULE_HOOK(9p, v9fs_evict_inode, want_inode_gone),
	MODULE_HOOK(ntfs3, ntfs_evict_inode, want_inode_gone),
	HOOK(mmap_file, want_mmap_exec),
	/* The want test of a direct call is its trampoline's. */
	{
		.name = "security_file_mprotect",
		.handler = hook_file_mprotect,
		.orig = (void **)&orig_file_mprotect,
		.want = want_mprotect,
		.direct = MPROTECT_DIRECT,
	},
	/* Absent without CONFIG_SHMEM. */
	OPTIONAL_RAW_HOOK(shmem_evict_inode, want_inode_gone),
	HOOK(unix_stream_connect, want_escape_connect),
	HOOK(file_ioctl, want_keys_ioctl),
	HOOK(inode_setattr, want_keys),
	HOOK(bprm_check, want_bprm),
	HOOK(inode_create, want_keys_create),
	HOOK(inode_unlink, want_keys),
	HOOK(inode_rename, want_keys_or_escape),
	HOOK(inode_symlink, want_keys),
	HOOK(inode_link, want_keys),
	HOOK(inode_rmdir, want_keys),
	HOOK(inode_mknod, want_keys),
	HOOK(inode_mkdir, want_keys),
	HOOK(sb_mount, want_keys_mount),
	HOOK(move_mount, want_keys),
	HOOK(inode_setxattr, want_keys),
	/* New in v6.2. */
	OPTIONAL_HOOK(inode_set_acl, want_keys),
	/* Absent before its v6.8 introduction and its stable backports. */
	OPTIONAL_HOOK(file_ioctl_compat, want_keys_ioctl),
#ifdef BULWARK_HAVE_INODE_FILE_SETATTR
	HOOK(inode_file_setattr, want_keys),
#endif
	HOOK(sb_alloc, want_sb_alloc),
	HOOK(sb_set_mnt_opts, want_sb_set_mnt_opts),
	RAW_HOOK(kill_anon_super, want_sb_kill),
	HOOK(sb_free, want_sb_free),
	HOOK(ptrace_access_check, want_escape_ptrace),
	HOOK(kernel_read_file, want_escape_read),
	HOOK(kernel_load_data, want_escape_load),
	HOOK(locked_down, want_escape_lockdown),
	RAW_HOOK(pidns_install, want_escape),
	RAW_HOOK(mntns_install, want_escape),
	RAW_HOOK(cgroupns_install, want_escape),
#ifdef BULWARK_ATTACH_PERMISSIONS_NS
	RAW_HOOK(cgroup_attach_permissions, want_escape),
#else
	RAW_HOOK(cgroup_procs_write_permission, want_escape),
#endif
	{
		.name = "__x64_sys_delete_module",
		.handler = hook_delete_module,
		.orig = (void **)&orig_delete_module,
		.want = want_delete_module,
	},
	/* Absent without IA32_EMULATION. */
	{
		.name = "__ia32_sys_delete_module",
		.handler = hook_ia32_delete_module,
		.orig = (void **)&orig_ia32_delete_module,
		.want = want_ia32_delete_module,
		.optional = true,
	},
};

/**
 * bulwark_lsm_init - start redirecting the security functions
 *
 * Return: 0 on success or a negative errno; nothing is hooked on error.
 */
int bulwark_lsm_init(void)
{
#ifdef BULWARK_HAVE_DIRECT_CALLS
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hooks); i++)
		if (hooks[i].handler == hook_file_mprotect)
			mprotect_hook = &hooks[i];
#endif
	return bulwark_hooks_install(hooks, ARRAY_SIZE(hooks));
}

/**
 * bulwark_lsm_exit - stop redirecting, once no call is left in a handler
 */
void bulwark_lsm_exit(void)
{
	bulwark_hooks_remove(hooks, ARRAY_SIZE(hooks));
}
