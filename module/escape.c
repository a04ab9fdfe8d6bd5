// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - the escape rule
 *
 * A contained task, whatever its capabilities, may not reach past its
 * container into the host's kernel or the host's processes:
 *
 * - module_load: load a kernel module from anything but a file of the
 *   host's own module tree, or from a buffer (init_module(2));
 * - module_unload: unload any module;
 * - kexec: load a kernel to boot into;
 * - knob: write a kernel setting that makes the kernel start a program
 *   as a host task (core_pattern, modprobe, the uevent helper,
 *   binfmt_misc, cgroup v1's release_agent and notify_on_release), or
 *   ftrace_enabled;
 * - rawdev: open for writing a block device that a filesystem (or swap,
 *   or a device-mapper or md stack) holds, or /dev/mem, /dev/kmem,
 *   /dev/port; or change such a device when it is a loop device (its
 *   backing file, offset or size, or detach it), which needs no write
 *   access to it;
 * - cgroup_move: move a task, itself or another, into a cgroup outside
 *   its own container, which would leave the task uncontained;
 * - setns: enter the initial pid, mount or cgroup namespace;
 * - connect: connect to the host's service manager, system bus or
 *   container runtime, which start host processes on request;
 * - ptrace: attach to a task that is not contained (ptrace(2),
 *   process_vm_writev(2), /proc/<pid>/mem, pidfd_getfd(2)).
 *
 * The hooks in lsm.c call these only for contained tasks; each returns
 * 0 to allow, or -EPERM when escape_mode enforces.  Two run in atomic
 * context (connect and ptrace: the kernel holds a spinlock around their
 * security hooks) and say so.
 */

#include "common.h"

#include <linux/blkdev.h>
#include <linux/cgroup.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/kernfs.h>
#include <linux/major.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/ns_common.h>
#include <linux/path.h>
#include <linux/proc_ns.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/utsname.h>
#include <net/af_unix.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "compat.h"
#include "config.h"
#include "contain.h"
#include "counters.h"
#include "escape.h"
#include "hook.h"
#include "report.h"

/* Minors of MEM_MAJOR: /dev/mem, /dev/kmem, /dev/port. */
#define MEM_MINOR 1
#define KMEM_MINOR 2
#define PORT_MINOR 4

/*
 * The host's module tree: /lib/modules/<release> as resolved when
 * bulwark loads, and what its kernel/ entry resolves to, should that be
 * a symbolic link to another place.  Held for the module's lifetime.
 */
static struct path modtree[2];

/* Count, report and answer one escape; @ev->deny is set here. */
static int judge(struct bulwark_event *ev)
{
	int mode = READ_ONCE(bulwark_escape_mode);

	if (mode == BULWARK_MODE_OFF)
		return 0;
	ev->reason = "host_escape";
	ev->deny = mode == BULWARK_MODE_ENFORCE;
	bulwark_count(ev->deny ? BULWARK_ESCAPE_BLOCKED :
				 BULWARK_ESCAPE_AUDITED);
	bulwark_report(ev);
	return ev->deny ? -EPERM : 0;
}

static int judge_path(const char *op, const struct path *path)
{
	struct bulwark_event ev = { .op = op, .path = path };

	return judge(&ev);
}

static int judge_text(const char *op, const char *text)
{
	struct bulwark_event ev = { .op = op, .text = text };

	return judge(&ev);
}

static bool name_is(const struct dentry *dentry, const char *name)
{
	return !strcmp((const char *)dentry->d_name.name, name);
}

/*
 * /proc/sys/kernel/{core_pattern,modprobe,hotplug,poweroff_cmd}: the
 * kernel runs the program they name, as root on the host, for a core
 * dump, a module request, a uevent or an orderly power-off (a thermal
 * emergency, a hypervisor's shutdown request).  And ftrace_enabled, whose 0 would stop every
 * ftrace user, bulwark's hooks included (they are registered permanent,
 * so the kernel refuses it anyway while bulwark is loaded).  procfs does
 * not rename these entries, so their names and parents are stable while
 * the file is open.
 */
static bool proc_knob(const struct dentry *dentry)
{
	const struct dentry *dir = dentry->d_parent;

	return name_is(dir, "kernel") && name_is(dir->d_parent, "sys") &&
	       IS_ROOT(dir->d_parent->d_parent) &&
	       (name_is(dentry, "core_pattern") || name_is(dentry, "modprobe") ||
		name_is(dentry, "hotplug") || name_is(dentry, "poweroff_cmd") ||
		name_is(dentry, "ftrace_enabled"));
}

/*
 * /sys/kernel/uevent_helper, on kernels built with CONFIG_UEVENT_HELPER;
 * /sys/power/resume, whose write makes the kernel restore at once the
 * hibernation image on the device it names, a container's own included.
 */
static bool sysfs_knob(const struct dentry *dentry)
{
	const struct dentry *dir = dentry->d_parent;

	if (!IS_ROOT(dir->d_parent))
		return false;
	return (name_is(dentry, "uevent_helper") && name_is(dir, "kernel")) ||
	       (name_is(dentry, "resume") && name_is(dir, "power"));
}

/*
 * sysfs files that remove a device, probe a bus again or bind a device
 * to another driver: deleting the host's disk and scanning its bus again
 * makes a new block device for the same disk, which nobody holds (the
 * mounted filesystem keeps the old one); rebinding a PCI device hands
 * it to a driver that gives its registers and DMA to userspace (VFIO,
 * uio).  By name, wherever they are: SCSI's delete and scan, PCI's and
 * USB's remove and rescan, NVMe's delete_controller, reset_controller
 * and rescan_controller, USB's and Thunderbolt's authorized (0, then 1,
 * probes the device again), ACPI's eject, the driver core's bind,
 * unbind, new_id, remove_id, driver_override and drivers_probe.
 */
static bool sysfs_device_control(const struct dentry *dentry)
{
	static const char *const names[] = {
		"delete", "scan", "rescan", "remove", "bind", "unbind",
		"new_id", "remove_id", "driver_override", "drivers_probe",
		"delete_controller", "reset_controller", "rescan_controller",
		"authorized", "eject",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (name_is(dentry, names[i]))
			return true;
	return false;
}

/*
 * Whether @bdev is claimed, or the whole disk it is a partition of is.
 * While one of its partitions is claimed, a whole disk's holder is the
 * block layer's mark of that claim: every partition of a disk in use is
 * held then.  Not only the one mounted: beside it lie the partition
 * table, the boot loader's sectors and partitions the host boots from
 * without keeping them mounted (a BIOS boot partition, an ESP mounted on
 * demand).  Sets *@major to the disk's.
 */
static bool claimed(const struct block_device *bdev, unsigned int *major)
{
#ifdef bdev_whole
	const struct block_device *whole = bdev_whole(bdev);
#else
	const struct block_device *whole = bdev->bd_contains;
#endif

	*major = bdev->bd_disk->major;
	return READ_ONCE(bdev->bd_holder) ||
	       (whole && READ_ONCE(whole->bd_holder));
}

/*
 * Whether the look at a block device failed with @err as the task's own
 * open of it would: there is no device behind the number (or no medium
 * in it), which then holds nothing.  Any other failure counts as held.
 * The look is an open for reading in the task's own context, which its
 * device cgroup may refuse while it lets the task open the device for
 * writing: a container that denies itself reads must not get the disk.
 */
static bool bdev_absent(long err)
{
	return err == -ENXIO || err == -ENODEV || err == -ENOMEDIUM;
}

/*
 * Whether a filesystem, swap, or a device-mapper or md stack holds the
 * block device @dev or its disk (claimed()), whose major it sets in
 * *@major, or whether it cannot be looked at (bdev_absent()).
 */
static bool bdev_held(dev_t dev, unsigned int *major)
{
	bool held;
#ifdef BULWARK_BDEV_FILE
	struct file *bf = bdev_file_open_by_dev(dev, BLK_OPEN_READ, NULL, NULL);

	if (IS_ERR(bf))
		return !bdev_absent(PTR_ERR(bf));
	held = claimed(file_bdev(bf), major);
	fput(bf);
#elif defined(BULWARK_BDEV_HOLDER_ARG)
	struct block_device *bdev = blkdev_get_by_dev(dev, BLK_OPEN_READ, NULL,
						      NULL);

	if (IS_ERR(bdev))
		return !bdev_absent(PTR_ERR(bdev));
	held = claimed(bdev, major);
	blkdev_put(bdev, NULL);
#else
	struct block_device *bdev = blkdev_get_by_dev(dev, FMODE_READ, NULL);

	if (IS_ERR(bdev))
		return !bdev_absent(PTR_ERR(bdev));
	held = claimed(bdev, major);
	blkdev_put(bdev, FMODE_READ);
#endif
	return held;
}

/* The cgroup a cgroup filesystem's directory @dir stands for. */
static struct cgroup *dir_cgroup(const struct dentry *dir)
{
	const struct kernfs_node *kn = d_inode(dir)->i_private;

	return kn ? kn->priv : NULL;
}

/*
 * The current task's cgroup on @dst's hierarchy and the root of its
 * cgroup namespace there, or false when it has none bulwark examines (a
 * v1 hierarchy without controllers, as contain.c explains).  Under RCU.
 */
static bool own_cgroups(const struct cgroup *dst, struct cgroup **own,
			struct cgroup **ns_root)
{
	struct css_set *cset = task_css_set(current);
	struct css_set *ns_cset = current->nsproxy->cgroup_ns->root_cset;
	int i;

	if (dst->root == &cgrp_dfl_root) {
		*own = cset->dfl_cgrp;
		*ns_root = ns_cset->dfl_cgrp;
		return true;
	}
	for (i = 0; i < CGROUP_SUBSYS_COUNT; i++) {
		struct cgroup_subsys_state *css = cset->subsys[i];

		if (css && css->cgroup->root == dst->root) {
			*own = css->cgroup;
			*ns_root = ns_cset->subsys[i] ?
				   ns_cset->subsys[i]->cgroup : css->cgroup;
			return true;
		}
	}
	return false;
}

/*
 * Whether a move into @dst leaves the current task's container: @dst is
 * not at or below the outermost cgroup that the container's id names,
 * or, for a task contained by its namespaces alone, below the root of
 * its own cgroup namespace (bulwark_container_root() says why there is
 * no other bound).  Fills @buf (PATH_MAX bytes) with @dst's path when
 * it does.
 */
static bool leaves_container(struct cgroup *dst, char *buf)
{
	struct cgroup *own, *ns_root, *root;
	bool outside = false;

	rcu_read_lock();
	if (own_cgroups(dst, &own, &ns_root)) {
		root = bulwark_container_root(own, ns_root, buf);
		outside = root && !cgroup_is_descendant(dst, root);
	}
	/* An exempt cgroup would uncontain the task moved there. */
	if (!outside)
		outside = bulwark_cgroup_exempt(dst, buf);
	if (outside && kernfs_path_from_node(dst->kn, NULL, buf, PATH_MAX) < 0)
		strscpy(buf, "?", PATH_MAX);
	rcu_read_unlock();
	return outside;
}

/**
 * bulwark_escape_attach - may a contained task move a task from @src to @dst?
 * @src: the moved task's cgroup, or NULL
 * @dst: the destination cgroup, alive for the call
 *
 * For cgroup v2's own check of a move, at the write of cgroup.procs or
 * cgroup.threads and at clone3(CLONE_INTO_CGROUP).  Both ends must lie
 * in the mover's container.  May sleep.
 *
 * Return: 0 or -EPERM.
 */
int bulwark_escape_attach(struct cgroup *src, struct cgroup *dst)
{
	char *buf;
	int err = 0;

	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return judge_text("cgroup_move", "?");
	/*
	 * The task moved comes from @src: a host task pulled into the
	 * container would be the container's to trace and to rob of its
	 * descriptors.
	 */
	if (leaves_container(dst, buf) || (src && leaves_container(src, buf)))
		err = judge_text("cgroup_move", buf);
	kfree(buf);
	return err;
}

/**
 * bulwark_escape_rename - may a contained task rename @old_dentry?
 * @old_dentry: what is renamed
 *
 * Renaming a cgroup changes its path, and so whether a pattern matches
 * it: a container that renames its own cgroup, or an ancestor of it,
 * would leave itself.  Renaming a cgroup strictly inside the container
 * is the container's business.  May sleep.
 *
 * Return: 0 or -EPERM.
 */
int bulwark_escape_rename(struct dentry *old_dentry)
{
	unsigned long magic = old_dentry->d_sb->s_magic;
	struct cgroup *cg, *own, *ns_root, *root;
	bool outside = false;
	char *buf;
	int err = 0;

	if ((magic != CGROUP_SUPER_MAGIC && magic != CGROUP2_SUPER_MAGIC) ||
	    !d_is_dir(old_dentry))
		return 0;
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return judge_text("cgroup_move", "?");
	rcu_read_lock();
	cg = dir_cgroup(old_dentry);
	if (cg && own_cgroups(cg, &own, &ns_root)) {
		root = bulwark_container_root(own, ns_root, buf);
		outside = root && (cg == root || !cgroup_is_descendant(cg, root));
	}
	if (outside && kernfs_path_from_node(cg->kn, NULL, buf, PATH_MAX) < 0)
		strscpy(buf, "?", PATH_MAX);
	rcu_read_unlock();
	if (outside)
		err = judge_text("cgroup_move", buf);
	kfree(buf);
	return err;
}

/*
 * An open for writing of a cgroup's cgroup.procs, cgroup.threads or (v1)
 * tasks: the descriptor can move tasks into that cgroup.  Judged here
 * too, because cgroup v1 checks nothing more when it is written.
 */
static int judge_move_open(const struct file *file)
{
	struct dentry *dentry = file->f_path.dentry;
	struct cgroup *dst;
	char *buf;
	int err = 0;

	rcu_read_lock();
	dst = dir_cgroup(dentry->d_parent);
	if (dst && !cgroup_tryget(dst))
		dst = NULL;
	rcu_read_unlock();
	if (!dst)
		return 0;
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf || leaves_container(dst, buf))
		err = judge_path("cgroup_move", &file->f_path);
	kfree(buf);
	cgroup_put(dst);
	return err;
}

/**
 * bulwark_escape_ioctl - may a contained task issue this ioctl?
 * @file: the file it is issued on
 * @cmd: the command, for which bulwark_escape_ioctl_concerns() held
 *
 * Through a descriptor opened read-only:
 *
 * - BLKPG adds, resizes or deletes a disk's partitions: on a disk in
 *   use, a new partition over the partition table or the boot loader's
 *   sectors, or a mounted one shrunk.  Refused on a held disk.
 * - A loop device's backing file can be swapped (LOOP_CHANGE_FD), its
 *   offset or size changed (LOOP_SET_STATUS*, LOOP_SET_CAPACITY), or
 *   the device detached: under a filesystem mounted from it, that puts
 *   content the container chose in place of the host's, or pulls the
 *   disk from under it.  Refused on a held loop device, as an open for
 *   writing would be; and on any other block device, whose driver
 *   (device-mapper) may pass the command on to a loop device it holds
 *   beneath.
 * - TIOCSTI types a character into a terminal's input, as if its user
 *   had; TIOCLINUX's selection (set, then pasted) does the same on a
 *   virtual console.  A container that reaches a host terminal (its
 *   controlling terminal shared with a host shell, a host shell's
 *   descriptor through /proc with --pid=host, the host's /dev/pts)
 *   would run commands there as that shell's user.  TIOCSTI is refused
 *   on every terminal, the container's own included, as the kernel does
 *   to everyone with dev.tty.legacy_tiocsti set to 0; TIOCLINUX (a
 *   virtual console's only) whatever its subcode, which the kernel reads
 *   from memory the caller may change after bulwark looked.  And a
 *   virtual console's keymap writes (KDSKBSENT and the others): bound to
 *   Enter, a string runs in the host's shell at the next key press.
 *
 * May sleep.
 *
 * Return: 0 or -EPERM.
 */
int bulwark_escape_ioctl(const struct file *file, unsigned int cmd)
{
	const struct inode *inode = file_inode(file);
	unsigned int major = 0;
	bool held;

	if (cmd == TIOCSTI || cmd == TIOCLINUX ||
	    bulwark_escape_keymap_ioctl(cmd))
		return judge_path("rawdev", &file->f_path);
	if (!bulwark_escape_ioctl_concerns(cmd) || !S_ISBLK(inode->i_mode))
		return 0;
	/*
	 * By the disk, not the node: the loop driver acts on the whole
	 * disk for an ioctl on any of its partitions, whose nodes may have
	 * another major (259) than the loop driver's.
	 */
	held = bdev_held(inode->i_rdev, &major);
	if (cmd != BLKPG && major && major != LOOP_MAJOR)
		held = true;
	return held ? judge_path("rawdev", &file->f_path) : 0;
}

/**
 * bulwark_escape_open - may a contained task open this file?
 * @file: the file being opened
 *
 * Judges opens for writing of the kernel knobs, of raw devices, and of
 * the cgroup files that move tasks, and any open of device-mapper's
 * control device.  May sleep.
 *
 * Return: 0 or -EPERM.
 */
int bulwark_escape_open(const struct file *file)
{
	const struct inode *inode = file_inode(file);
	struct dentry *dentry = file->f_path.dentry;
	unsigned int major;

	if (!bulwark_escape_open_concerns(file))
		return 0;
	if (S_ISCHR(inode->i_mode)) {
		if ((imajor(inode) == MEM_MAJOR &&
		     (iminor(inode) == MEM_MINOR || iminor(inode) == KMEM_MINOR ||
		      iminor(inode) == PORT_MINOR)) ||
		    (imajor(inode) == BULWARK_DM_CONTROL_MAJOR &&
		     (iminor(inode) == BULWARK_DM_CONTROL_MINOR ||
		      iminor(inode) == BULWARK_SNAPSHOT_MINOR)))
			return judge_path("rawdev", &file->f_path);
		return 0;
	}
	if (S_ISBLK(inode->i_mode))
		return bdev_held(inode->i_rdev, &major) ?
		       judge_path("rawdev", &file->f_path) : 0;

	switch (inode->i_sb->s_magic) {
	case PROC_SUPER_MAGIC:
		return proc_knob(dentry) ? judge_path("knob", &file->f_path) : 0;
	case SYSFS_MAGIC:
		if (sysfs_knob(dentry))
			return judge_path("knob", &file->f_path);
		if (sysfs_device_control(dentry))
			return judge_path("rawdev", &file->f_path);
		return 0;
	case BINFMTFS_MAGIC:
	case BULWARK_CONFIGFS_MAGIC:
		return judge_path("knob", &file->f_path);
	case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC:
		/*
		 * A file opened by handle (cgroupfs has file handles) has
		 * no name nor parent to judge it by: refused.
		 */
		if (IS_ROOT(dentry))
			return judge_path("knob", &file->f_path);
		break;
	}
	switch (inode->i_sb->s_magic) {
	case CGROUP_SUPER_MAGIC:
		if (name_is(dentry, "release_agent") ||
		    name_is(dentry, "notify_on_release"))
			return judge_path("knob", &file->f_path);
		if (name_is(dentry, "tasks") || name_is(dentry, "cgroup.procs"))
			return judge_move_open(file);
		return 0;
	case CGROUP2_SUPER_MAGIC:
		if (name_is(dentry, "cgroup.procs") ||
		    name_is(dentry, "cgroup.threads"))
			return judge_move_open(file);
		return 0;
	}
	return 0;
}

static bool reads_module(enum kernel_read_file_id id)
{
#ifdef BULWARK_READING_MODULE_COMPRESSED
	if (id == READING_MODULE_COMPRESSED)
		return true;
#endif
	return id == READING_MODULE;
}

/**
 * bulwark_escape_read_concerns - is a kernel file read one the rule judges?
 * @id: what the kernel reads the file for
 *
 * Any context.
 *
 * Return: true for a module or a kexec image or initramfs.
 */
bool bulwark_escape_read_concerns(enum kernel_read_file_id id)
{
	return reads_module(id) || id == READING_KEXEC_IMAGE ||
	       id == READING_KEXEC_INITRAMFS;
}

/* Whether @file lies in the host's module tree. */
static bool in_modtree(const struct file *file)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(modtree); i++)
		if (modtree[i].dentry &&
		    is_subdir(file->f_path.dentry, modtree[i].dentry))
			return true;
	return false;
}

/**
 * bulwark_escape_read_file - may a contained task make the kernel load @file?
 * @file: the file the kernel is about to read
 * @id: what for
 *
 * A module from the host's module tree is allowed, as modprobe loads an
 * installed module (a container's own /lib/modules is another tree);
 * any other module file, and any kexec image, is not.  May sleep.
 *
 * Return: 0 or -EPERM.
 */
int bulwark_escape_read_file(const struct file *file,
			     enum kernel_read_file_id id)
{
	if (reads_module(id))
		return in_modtree(file) ? 0 : judge_path("module_load",
							 &file->f_path);
	if (id == READING_KEXEC_IMAGE || id == READING_KEXEC_INITRAMFS)
		return judge_path("kexec", &file->f_path);
	return 0;
}

/**
 * bulwark_escape_load_data - may a contained task make the kernel load data?
 * @id: what the kernel loads from a buffer
 *
 * init_module(2) and kexec_load(2) hand the kernel a buffer, which no
 * file vouches for.  May sleep.
 *
 * Return: 0 or -EPERM.
 */
int bulwark_escape_load_data(enum kernel_load_data_id id)
{
	switch (id) {
	case LOADING_MODULE:
		return judge_text("module_load", "-");
	case LOADING_KEXEC_IMAGE:
	case LOADING_KEXEC_INITRAMFS:
		return judge_text("kexec", "-");
	default:
		return 0;
	}
}

/**
 * bulwark_escape_unload - may a contained task unload module @name?
 * @name: the module's name, as the task gave it
 *
 * No contained task may.  May sleep.
 *
 * Return: 0 in audit mode, -EPERM in enforce mode.
 */
int bulwark_escape_unload(const char *name)
{
	struct bulwark_event ev = {
		.op = "module_unload",
		.text = "-",
		.module = name,
	};

	return judge(&ev);
}

/**
 * bulwark_escape_setns - may a contained task enter namespace @ns?
 * @ns: a pid, mount or cgroup namespace
 *
 * Not the initial one, where the host's own tasks run and its mounts
 * are.  May sleep.
 *
 * Return: 0 or -EPERM.
 */
int bulwark_escape_setns(struct ns_common *ns)
{
	struct ns_common *host;
	char text[48];
	bool initial;

	host = ns->ops->get(&init_task);
	initial = host == ns;
	if (host)
		ns->ops->put(host);
	if (!initial)
		return 0;
	snprintf(text, sizeof(text), "%s:[%u]", ns->ops->name, ns->inum);
	return judge_text("setns", text);
}

/*
 * The names of the sockets through which the host's service manager,
 * system bus and container runtimes start processes on request.
 */
static const char *const service_sockets[] = {
	"docker.sock",
	"containerd.sock",
	"crio.sock",
	"podman.sock",
	"system_bus_socket",
};

/**
 * bulwark_escape_service_socket - is @other one of the host's service sockets?
 * @other: a listening AF_UNIX socket
 *
 * Bound to such a name (the name given to bind(2), which renaming the
 * socket's file does not change), and in the initial network namespace,
 * where the host's daemons run.  A daemon a container runs for itself
 * (Docker in Docker) has a network namespace of its own.  Any context:
 * the ftrace callback asks it before anything else (the caller holds a
 * reference to @other, whose address lives as long as it does).
 *
 * Return: true for a service socket.
 */
bool bulwark_escape_service_socket(const struct sock *other)
{
	const struct unix_address *addr;
	const char *path, *name;
	size_t len, i;

	/* Pairs with the release that publishes the address in bind(2). */
	addr = smp_load_acquire(&unix_sk(other)->addr);
	/* Abstract and unnamed sockets have no path; their name starts 0. */
	if (!addr || addr->len <= (int)offsetof(struct sockaddr_un, sun_path))
		return false;
	path = addr->name->sun_path;
	/* bind(2) stored the path, its NUL, and the family before them. */
	len = addr->len - offsetof(struct sockaddr_un, sun_path) - 1;
	if (!len || !path[0] || path[len])
		len = strnlen(path, addr->len -
				    offsetof(struct sockaddr_un, sun_path));
	/* Every name below ends in "sock", "socket" or "private". */
	if (!len || (path[len - 1] != 'k' && path[len - 1] != 't' &&
		     path[len - 1] != 'e'))
		return false;
	/* The last component of the name it was bound to, not its name now. */
	for (name = path + len; name > path && name[-1] != '/'; name--)
		;
	len -= name - path;
	/* Most sockets' names have none of the lengths: the cheap test. */
	switch (len) {
	case sizeof("private") - 1:
		/* systemd's private socket: /run/systemd/private. */
		return !memcmp(name, "private", len) && name - path >= 8 &&
		       !memcmp(name - 8, "systemd/", 8) &&
		       net_eq(sock_net(other), &init_net);
	case sizeof("crio.sock") - 1:
	case sizeof("docker.sock") - 1:
	case sizeof("containerd.sock") - 1:
	case sizeof("system_bus_socket") - 1:
		break;
	default:
		return false;
	}
	for (i = 0; i < ARRAY_SIZE(service_sockets); i++)
		if (strlen(service_sockets[i]) == len &&
		    !memcmp(name, service_sockets[i], len))
			return net_eq(sock_net(other), &init_net);
	return false;
}

/**
 * bulwark_escape_connect - may a contained task connect to @other?
 * @other: the listening AF_UNIX stream or seqpacket socket
 *
 * Atomic: the caller holds @other's state lock.
 *
 * Return: 0 or -EPERM.
 */
int bulwark_escape_connect(struct sock *other)
{
	struct bulwark_event ev = {
		.op = "connect",
		.path = &unix_sk(other)->path,
		.atomic = true,
	};

	if (!bulwark_escape_service_socket(other))
		return 0;
	return judge(&ev);
}

/**
 * bulwark_escape_ptrace - may a contained task attach to @child?
 * @child: the task to be traced, read or written
 *
 * Attaching to a contained task, its own container's or another's, is
 * the container's business; attaching to a host task is an escape.
 * Atomic: the caller holds @child's task_lock().
 *
 * Return: 0 or -EPERM.
 */
int bulwark_escape_ptrace(struct task_struct *child)
{
	struct bulwark_event ev = {
		.op = "ptrace",
		.text = "-",
		.atomic = true,
	};

	if (bulwark_task_contained_atomic(child))
		return 0;
	ev.target = task_pid_nr(child);
	return judge(&ev);
}

/* A short name for @what, for the report's path. */
static const char *lockdown_name(enum lockdown_reason what)
{
	switch (what) {
	case LOCKDOWN_EFI_TEST:
		return "efi_test";
	case LOCKDOWN_PCI_ACCESS:
		return "pci";
	case LOCKDOWN_IOPORT:
		return "ioport";
	case LOCKDOWN_MSR:
		return "msr";
	case LOCKDOWN_ACPI_TABLES:
		return "acpi_tables";
	case LOCKDOWN_PCMCIA_CIS:
		return "pcmcia_cis";
	case LOCKDOWN_TIOCSSERIAL:
		return "tiocsserial";
	case LOCKDOWN_MODULE_PARAMETERS:
		return "module_parameters";
	case LOCKDOWN_MMIOTRACE:
		return "mmiotrace";
	case LOCKDOWN_DEBUGFS:
		return "debugfs";
	case LOCKDOWN_BPF_WRITE_USER:
		return "bpf_write_user";
	case LOCKDOWN_DBG_WRITE_KERNEL:
		return "dbg_write_kernel";
	default:
		return "lockdown";
	}
}

/**
 * bulwark_escape_lockdown - may a contained task do what a lockdown stops?
 * @what: as for bulwark_escape_lockdown_concerns()
 *
 * Reported as a raw device, named by @what.  The kernel asks from
 * process context; atomic where preemption is off.
 *
 * Return: 0 or -EPERM.
 */
int bulwark_escape_lockdown(enum lockdown_reason what)
{
	struct bulwark_event ev = {
		.op = "rawdev",
		.text = lockdown_name(what),
	};

	if (!bulwark_escape_lockdown_concerns(what))
		return 0;
	ev.atomic = !preemptible();
	return judge(&ev);
}

/**
 * bulwark_escape_init - find the host's module tree
 *
 * Resolved in the loading task's mount namespace, the host's: bulwark
 * is loaded by the host at boot.  A tree that cannot be found leaves
 * every module file refused to contained tasks.
 *
 * Return: 0.
 */
int bulwark_escape_init(void)
{
	const char *release = init_utsname()->release;
	struct path kernel;
	char *name;

	name = kasprintf(GFP_KERNEL, "/lib/modules/%s/kernel", release);
	if (!name)
		return -ENOMEM;
	/* Everything up to "/kernel": the tree itself. */
	name[strlen(name) - strlen("/kernel")] = '\0';
	if (kern_path(name, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &modtree[0])) {
		pr_warn("escape: no module tree at %s: modules are refused to containers\n",
			name);
		kfree(name);
		return 0;
	}
	name[strlen(name)] = '/';
	if (!kern_path(name, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &kernel)) {
		if (is_subdir(kernel.dentry, modtree[0].dentry))
			path_put(&kernel);
		else
			modtree[1] = kernel;
	}
	kfree(name);
	return 0;
}

/**
 * bulwark_escape_exit - let go of the module tree
 */
void bulwark_escape_exit(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(modtree); i++) {
		if (modtree[i].dentry)
			path_put(&modtree[i]);
		modtree[i].dentry = NULL;
		modtree[i].mnt = NULL;
	}
}
