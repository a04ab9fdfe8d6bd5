/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bulwark selftests - cgroup paths of real container runtimes
 *
 * The paths that /proc/<pid>/cgroup shows for the processes of every
 * runtime of SPEC "Who is contained", and for the host-side processes
 * that live next to them, with the verdict and the container id that
 * bulwark must give.  cgpath_test.c runs them through the module's
 * matcher in user space, contain_test.c through the loaded module, as
 * real cgroups on the guest's cgroup2 hierarchy.
 *
 * CGROUP_FORMS(F) calls F(name, path, contained, id) for every form; id
 * is "" for the forms that are not containers.
 */

#ifndef BULWARK_SELFTESTS_CGROUP_FORMS_H
#define BULWARK_SELFTESTS_CGROUP_FORMS_H

/* Container ids as runtimes print them: 64 lowercase hex digits. */
#define ID_A "de5f74cd5de29bd9c44e5b251a013677f29f53db1c01e12bd80fc2455b06b110"
#define ID_B "15b3c71100e591772872e7bb378721c6ed0ae83cd8292c9a46eac5a8b09a5a08"
#define ID_C "2fe039323653e287dfe752e11789c3dfd04b610f89fb025e292cf3df1728f63d"
/* A Kubernetes pod uid, as the cgroupfs and the systemd drivers spell it. */
#define POD_UID "8ab5d0f1-8f3c-4d5e-9a0b-1c2d3e4f5a6b"
#define POD_UID_ "8ab5d0f1_8f3c_4d5e_9a0b_1c2d3e4f5a6b"
/* The QoS slices of the systemd driver. */
#define KUBE_BURSTABLE "/kubepods.slice/kubepods-burstable.slice"
#define KUBE_BESTEFFORT "/kubepods.slice/kubepods-besteffort.slice"

/* clang-format off */
#define CGROUP_FORMS(F)							\
	/* Docker, cgroupfs driver (also what v1 hierarchies show). */	\
	F(docker_cgroupfs, "/docker/" ID_A, true, ID_A)		\
	/* Docker, systemd driver. */					\
	F(docker_systemd, "/system.slice/docker-" ID_A ".scope", true, ID_A) \
	/* A container running systemd, in its own subgroup. */	\
	F(docker_systemd_sub,						\
	  "/system.slice/docker-" ID_A ".scope/init.scope", true, ID_A) \
	/* Rootless Docker. */						\
	F(docker_rootless,						\
	  "/user.slice/user-1000.slice/user@1000.service/user.slice/docker-" \
	  ID_A ".scope", true, ID_A)					\
	/* Docker-in-Docker: the outer container is named. */		\
	F(docker_in_docker, "/docker/" ID_A "/docker/" ID_B, true, ID_A) \
	F(docker_in_docker_systemd,					\
	  "/system.slice/docker-" ID_A ".scope/docker/" ID_B, true, ID_A) \
	/* Kubernetes, cgroupfs driver, every QoS class. */		\
	F(kube_cgroupfs_burstable,					\
	  "/kubepods/burstable/pod" POD_UID "/" ID_B, true, ID_B)	\
	F(kube_cgroupfs_besteffort,					\
	  "/kubepods/besteffort/pod" POD_UID "/" ID_B, true, ID_B)	\
	F(kube_cgroupfs_guaranteed,					\
	  "/kubepods/pod" POD_UID "/" ID_B, true, ID_B)		\
	/* A pod's own cgroup: named by the pod. */			\
	F(kube_cgroupfs_pod, "/kubepods/burstable/pod" POD_UID, true,	\
	  "pod" POD_UID)						\
	F(kube_cgroupfs_crio,						\
	  "/kubepods/besteffort/pod" POD_UID "/crio-" ID_B, true, ID_B) \
	/* Kubernetes, systemd driver, containerd, CRI-O, dockershim. */ \
	F(kube_systemd_containerd,					\
	  KUBE_BURSTABLE "/kubepods-burstable-pod" POD_UID_		\
	  ".slice/cri-containerd-" ID_B ".scope", true, ID_B)		\
	F(kube_systemd_crio,						\
	  KUBE_BESTEFFORT "/kubepods-besteffort-pod" POD_UID_		\
	  ".slice/crio-" ID_B ".scope", true, ID_B)			\
	F(kube_systemd_docker,						\
	  "/kubepods.slice/kubepods-pod" POD_UID_			\
	  ".slice/docker-" ID_B ".scope", true, ID_B)			\
	F(kube_systemd_pod,						\
	  KUBE_BURSTABLE "/kubepods-burstable-pod" POD_UID_ ".slice",	\
	  true, "pod" POD_UID_)						\
	/* A systemd cgroupsPath taken literally by the cgroupfs driver. */ \
	F(kube_slice_colon,						\
	  "/kubepods-besteffort-pod" POD_UID_				\
	  ".slice:cri-containerd:" ID_B, true, ID_B)			\
	/* kind: pods in a node that is a Docker container. */		\
	F(kind_systemd,							\
	  "/system.slice/docker-" ID_A ".scope/kubelet.slice"		\
	  "/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice"	\
	  "/kubelet-kubepods-besteffort-pod" POD_UID_			\
	  ".slice/cri-containerd-" ID_B ".scope", true, ID_A)		\
	F(kind_cgroupfs,						\
	  "/docker/" ID_A "/kubelet/kubepods/besteffort/pod" POD_UID	\
	  "/" ID_B, true, ID_A)						\
	/* CRI-O outside Kubernetes' slices. */				\
	F(crio_scope, "/machine.slice/crio-" ID_C ".scope", true, ID_C)	\
	/* Podman: root, rootless, in a pod, cgroupfs, split cgroups. */ \
	F(podman, "/machine.slice/libpod-" ID_C ".scope", true, ID_C)	\
	F(podman_rootless,						\
	  "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" \
	  ID_C ".scope", true, ID_C)					\
	F(podman_pod,							\
	  "/machine.slice/machine-libpod_pod_" ID_A ".slice/libpod-"	\
	  ID_C ".scope", true, ID_C)					\
	F(podman_cgroupfs, "/libpod_parent/libpod-" ID_C, true, ID_C)	\
	F(podman_split,							\
	  "/machine.slice/libpod-" ID_C ".scope/container", true, ID_C) \
	/* LXC: before 4.0, and 4.0 on (LXD too). */			\
	F(lxc_legacy, "/lxc/web1", true, "web1")			\
	F(lxc_payload, "/lxc.payload.web1", true, "web1")		\
	F(lxc_payload_sub, "/lxc.payload.web1/init.scope", true, "web1") \
	/* A name that would not print as one token. */		\
	F(lxc_odd_name, "/lxc.payload.we b=1", true, "we_b_1")		\
	/* systemd-nspawn: payload subgroup, older layout, unit. */	\
	F(nspawn_payload, "/machine.slice/machine-debian.scope/payload", \
	  true, "debian")						\
	F(nspawn_scope, "/machine.slice/machine-debian.scope", true,	\
	  "debian")							\
	F(nspawn_escaped,						\
	  "/machine.slice/machine-my\\x2dbox.scope/payload", true,	\
	  "my-box")							\
	F(nspawn_unit,							\
	  "/machine.slice/systemd-nspawn@web.service/payload", true,	\
	  "web")							\
	/* The host, and the runtimes' own services. */		\
	F(host_root, "/", false, "")					\
	F(host_init, "/init.scope", false, "")				\
	F(host_session, "/user.slice/user-1000.slice/session-2.scope",	\
	  false, "")							\
	F(host_user_service,						\
	  "/user.slice/user-1000.slice/user@1000.service/app.slice/dbus.service", \
	  false, "")							\
	F(host_dockerd, "/system.slice/docker.service", false, "")	\
	F(host_containerd, "/system.slice/containerd.service", false, "") \
	F(host_kubelet, "/system.slice/kubelet.service", false, "")	\
	/* Host-side helpers in container-like cgroups. */		\
	F(helper_crio_conmon,						\
	  "/system.slice/crio-conmon-" ID_C ".scope", false, "")	\
	F(helper_crio_conmon_pod,					\
	  KUBE_BESTEFFORT "/kubepods-besteffort-pod" POD_UID_		\
	  ".slice/crio-conmon-" ID_B ".scope", false, "")		\
	F(helper_crio_conmon_cgroupfs,					\
	  "/kubepods/besteffort/pod" POD_UID "/crio-conmon-" ID_B, false, \
	  "")								\
	F(helper_libpod_conmon,						\
	  "/machine.slice/libpod-conmon-" ID_C ".scope", false, "")	\
	F(helper_lxc_monitor, "/lxc.monitor.web1", false, "")		\
	F(helper_nspawn_supervisor,					\
	  "/machine.slice/machine-debian.scope/supervisor", false, "")	\
	/* libvirt's QEMU virtual machines. */				\
	F(vm_qemu, "/machine.slice/machine-qemu\\x2d1\\x2dvm1.scope",	\
	  false, "")							\
	F(vm_qemu_emulator,						\
	  "/machine.slice/machine-qemu\\x2d1\\x2dvm1.scope/libvirt/emulator", \
	  false, "")							\
	/* Near misses. */						\
	F(near_docker_parent, "/docker", false, "")			\
	F(near_docker_name, "/docker/web", false, "")			\
	F(near_docker_short_id,						\
	  "/system.slice/docker-" "de5f74cd5de29bd9" ".scope", false, "") \
	F(near_docker_suffix,						\
	  "/system.slice/docker-" ID_A ".scopex", false, "")		\
	/* Any parent: Docker's cgroupfs driver with --cgroup-parent. */	\
	F(hex_any_parent, "/mydocker/" ID_A, true, ID_A)		\
	F(hex_any_parent_deep, "/x/y/" ID_B "/inner", true, ID_B)	\
	F(near_hex_63, "/x/" "0123456789abcdef0123456789abcdef"		\
	  "0123456789abcdef0123456789abcde", false, "")			\
	F(near_lxc, "/lxcfoo/web1", false, "")				\
	F(near_kubepods, "/system.slice/kubepods-proxy.service", false, "")
/* clang-format on */

#endif /* BULWARK_SELFTESTS_CGROUP_FORMS_H */
